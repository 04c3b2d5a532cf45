"""Citizen urban-order reports (phản ánh hiện trường): intake, routing, SLA, KPIs, Open311."""
