"""The dossier simulator: valid records, plausible shares, office hours, two events each."""

from __future__ import annotations

import random
from datetime import date

from ioc.sim.dossier_history import dossier_events
from ioc.timeutil import to_local


def test_simulated_events_are_valid_and_plausible() -> None:
    events = list(dossier_events(["24778", "24781"], date(2026, 10, 7), 200, random.Random(1)))
    finished = [e for e in events if e.finished_at is not None]
    assert len(finished) * 2 == len(events)
    assert all(not e.problems() for e in events)
    online = sum(e.channel == "online" for e in finished) / len(finished)
    on_time = sum(e.finished_at <= e.due_at for e in finished if e.due_at and e.finished_at)
    assert 0.3 < online < 0.75
    assert 0.85 < on_time / len(finished) <= 1.0
    counter = [to_local(e.received_at) for e in finished if e.channel == "in_person"]
    assert all(7 <= moment.hour < 17 for moment in counter)
