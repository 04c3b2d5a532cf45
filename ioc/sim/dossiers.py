"""Dossier events for the simulated province: the one-stop system syncing yesterday's
receipts and results, one event every few seconds (see ioc.sim.dossier_history for the model)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta

from ioc.kpi.dossiers import DossierIn
from ioc.sim.dossier_history import dossier_events

SYSTEM = "motcua-lamdong"


def dossier_payload(dossier: DossierIn) -> dict[str, object]:
    """The v1 dossier event message for one dossier state (``ts`` = its event time)."""
    fields = asdict(dossier)
    event_at = fields.pop("event_at")
    fields.pop("published")
    for name in ("received_at", "due_at", "finished_at"):
        if fields[name] is not None:
            fields[name] = fields[name].isoformat()
    return {"v": 1, "msg_id": uuid.uuid4().hex, "ts": event_at.isoformat(), **fields}


class DossierFeed:
    """An endless, time-ordered feed of plausible dossier events for a set of units."""

    def __init__(self, units: Sequence[str], rng: random.Random, today: date) -> None:
        self.units = list(units)
        self.rng = rng
        self.day = today - timedelta(days=1)
        self.cutoff = datetime.combine(today, time(0), tzinfo=UTC)
        self.pending: list[DossierIn] = []

    def next(self) -> DossierIn | None:
        if not self.units:
            return None
        if not self.pending:
            sample = self.rng.sample(self.units, min(20, len(self.units)))
            events = dossier_events(sample, self.day, 1, self.rng)
            happened = [e for e in events if e.event_at < self.cutoff]  # the rest: still open
            self.pending = sorted(happened, key=lambda d: d.event_at, reverse=True)
        return self.pending.pop()
