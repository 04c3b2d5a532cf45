"""A row that fails on its own while the database is healthy is set aside with its reason
(a dead letter of source ``incidents``), the rows around it go on, and ``replay`` processes
it once it is fixed (both store backends)."""

from __future__ import annotations

import argparse
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from ioc.config import Settings
from ioc.incidents.commands import replay_set_aside
from ioc.incidents.worker import IncidentWorker
from ioc.store import Store
from ioc.store.models import DeadLetter, Detection, Incident
from ioc.store.models_incidents import IncidentCursor, IncidentMember
from tests.incidents_support import T0, add_detection, add_watch_cameras, incident_settings


@pytest.fixture
def worker(store: Store, tmp_path: Path) -> Iterator[IncidentWorker]:
    add_watch_cameras(store)
    worker = IncidentWorker(incident_settings(tmp_path), store, clock=lambda: T0, from_start=True)
    worker.start()
    yield worker
    worker.dispatcher.close()


def bad_detection(store: Store) -> int:
    """A detection whose box is a number, not a list: processing it raises TypeError."""
    with store.session() as session:
        row = Detection(
            msg_id=uuid.uuid4().hex,
            camera_id="CAM-B",
            kind="smoke",
            score=0.9,
            bbox=5,
            observed_at=T0,
            received_at=T0,
        )
        session.add(row)
        session.flush()
        return int(row.id)


def count(store: Store, model: type) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def settings_of(store: Store, tmp_path: Path) -> Settings:
    """The test's settings pointing at this store, for the command."""
    settings = incident_settings(tmp_path)
    url = store.engine.url.render_as_string(hide_password=False)
    return settings.model_copy(
        update={"database": settings.database.model_copy(update={"url": url})}
    )


def test_a_bad_row_is_set_aside_and_replayed(
    store: Store, worker: IncidentWorker, tmp_path: Path
) -> None:
    add_detection(store, "CAM-A", T0)
    bad = bad_detection(store)
    last = add_detection(store, "CAM-C", T0)
    for _ in range(6):  # the batch fails, then one row at a time, then the bad row alone
        worker._guarded_step()
    assert count(store, Incident) == 2 and count(store, IncidentMember) == 2
    with store.session() as session:
        [letter] = session.scalars(select(DeadLetter)).all()
        cursor = session.get(IncidentCursor, "detections")
        assert cursor is not None and cursor.last_id == last  # moved past the bad row
    assert (letter.source, letter.topic) == ("incidents", f"detections/{bad}")
    assert letter.reason.startswith("incident_row_failed: TypeError")
    assert worker.counts["set_aside"] == 1

    assert worker.replay() == (0, 1)  # still broken: stays set aside
    assert count(store, DeadLetter) == 1
    with store.session() as session:
        session.execute(
            update(Detection).where(Detection.id == bad).values(bbox=[0.4, 0.3, 0.1, 0.1])
        )
    assert replay_set_aside(argparse.Namespace(), settings_of(store, tmp_path)) == 0
    assert count(store, IncidentMember) == 3  # the fixed row now belongs to an incident
    assert count(store, DeadLetter) == 0
