"""The camera worker's scene watch end to end on both backends: frames of a made-up
hillside over a month, a house built before today's window, and the change candidate in the
store's review queue with its before/after pictures and audit entry; a store that refuses
is logged and the worker goes on."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from camera.scene import synth
from camera.scene.daily import SceneCamera
from camera.scene.queue import CandidateQueue
from camera.scene.references import ReferenceBook
from camera.scene.watch import SceneWatch
from ioc.store import Store
from ioc.store.lazy import LazyStore
from ioc.store.models_audit import AuditEntry
from ioc.store.models_violations import ChangeCandidate

TODAY = date(2026, 12, 6)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """The UTC moment of a local (UTC+7) clock time."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


class Clock:
    def __init__(self) -> None:
        self.now = local(TODAY, 0)

    def __call__(self) -> datetime:
        return self.now


def url_of(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


def test_a_new_house_reaches_the_review_queue(store: Store, tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    scene = synth.landscape(rng)
    built, _truth = synth.add_structure(scene, rng)
    clock = Clock()
    shared = LazyStore(url_of(store))
    queue = CandidateQueue(shared, tmp_path)
    watch = SceneWatch(ReferenceBook(tmp_path / "refs"), SceneCamera("CAM-T"), queue, clock)
    days = {30: scene, 7: synth.relight(scene, rng), 0: built}
    try:
        for back, frame in days.items():
            day = TODAY - timedelta(days=back)
            for hour, minute in ((9, 0), (9, 50), (10, 0), (10, 20), (11, 0), (11, 1)):
                clock.now = local(day, hour, minute)
                watch.on_frame(frame)
    finally:
        shared.close()
    assert watch.found == 1
    with store.session() as session:
        [row] = session.scalars(select(ChangeCandidate)).all()
        audited = session.scalars(select(AuditEntry.action)).all()
    assert row.camera_id == "CAM-T" and row.reference_days == 7 and row.state == "pending"
    assert (tmp_path / row.before_path).stat().st_size > 0
    assert (tmp_path / row.after_path).stat().st_size > 0
    assert "change.candidate" in audited


def test_a_refusing_store_is_logged_and_the_watch_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rng = np.random.default_rng(8)
    scene = synth.landscape(rng)
    built, _truth = synth.add_structure(scene, rng)
    clock = Clock()
    queue = CandidateQueue(LazyStore("postgresql+psycopg://nobody@127.0.0.1:9/none"), tmp_path)
    watch = SceneWatch(ReferenceBook(tmp_path / "refs"), SceneCamera("CAM-U"), queue, clock)
    with caplog.at_level(logging.WARNING):
        for back, frame in {30: scene, 7: scene, 0: built}.items():
            day = TODAY - timedelta(days=back)
            for hour in (10, 11):
                clock.now = local(day, hour)
                watch.on_frame(frame)
    assert watch.found == 1
    assert any("change candidate not stored" in r.getMessage() for r in caplog.records)
    assert watch.checked == TODAY
