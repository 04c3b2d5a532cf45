"""Incidents: one object gathering detections, readings and reports, with a lifecycle.

Pure cores (grouping, rules, lifecycle, escalation) are separate from the store code
(correlate, actions, queries) and from the worker that follows the store by id cursor.
"""
