"""Retention on the real stores: old partitions dropped and new rows kept on PostGIS, rows
deleted on SQLite, dry runs change nothing, and the file sweep stays inside its folder."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import shapely
from sqlalchemy import func, select, text

from ioc.auth import sessions
from ioc.auth.accounts import create_user
from ioc.auth.user_roles import Role
from ioc.cli import main
from ioc.config import RetentionSettings, Settings
from ioc.ingest.messages import (
    CameraDetection,
    Reading,
    Record,
    SensorReadings,
)
from ioc.ingest.writer import BatchWriter
from ioc.maintenance import rows as retention_rows
from ioc.maintenance.job import maintenance_task, run_retention
from ioc.mqtt.inbound import InboundMessage
from ioc.store import Store
from ioc.store.models import Detection, Incident, SensorReading
from ioc.store.models_auth import WebSession
from ioc.store.models_incidents import IncidentMember
from ioc.store.partitions import PARTITIONED, drop_partition, ensure_partitions, partitions
from ioc.store.schema import metadata
from ioc.timeutil import utcnow
from testkit.helpers import add_cameras, wait_for
from tests.partition_support import partition_names, rows_by_partition, scratch_store

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
MSG = InboundMessage("ioc/v1/test", b"{}", NOW)


def months_back(count: int) -> datetime:
    """The 15th of the month ``count`` months before NOW's."""
    total = NOW.year * 12 + NOW.month - 1 - count
    return datetime(total // 12, total % 12 + 1, 15, 12, tzinfo=UTC)


def fill(store: Store, months: int = 15) -> None:
    """One detection and one reading in each of the last ``months`` months and this one."""
    add_cameras(store, "c1")
    items: list[tuple[InboundMessage, Record]] = []
    for back in range(months + 1):
        at = months_back(back)
        items.append((MSG, CameraDetection(f"d{back}", "c1", at, "smoke", 0.9)))
        readings = (Reading("rain_mm", float(back), at),)
        items.append((MSG, SensorReadings(f"r{back}", "QT-1", 108.4, 11.9, readings)))
    BatchWriter(store).write(items, [], NOW)


def settings_for(var_dir: Path, **retention: int) -> Settings:
    return Settings(var_dir=var_dir, retention=RetentionSettings(**retention))


def count(store: Store, model: type) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture(scope="module")
def _pg() -> Iterator[Store]:
    with scratch_store() as store:
        yield store


@pytest.fixture
def pg(_pg: Store) -> Store:
    """The module's PostGIS store: no rows, and monthly partitions for the last 16 months."""
    with _pg.engine.begin() as conn:
        for table in PARTITIONED:
            for part in partitions(conn, table):
                if not part.default:
                    drop_partition(conn, table, part.name)
        names = ", ".join(t.name for t in metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        for table, spec in PARTITIONED.items():
            ensure_partitions(conn, table, spec, months_back(15), NOW)
    return _pg


@pytest.mark.postgis
def test_dry_run_changes_nothing_but_says_what_would_go(pg: Store, tmp_path: Path) -> None:
    fill(pg)
    before = {t: (partition_names(pg, t), rows_by_partition(pg, t)) for t in PARTITIONED}
    said: list[str] = []
    report = run_retention(settings_for(tmp_path), pg, NOW, dry_run=True, say=said.append)
    after = {t: (partition_names(pg, t), rows_by_partition(pg, t)) for t in PARTITIONED}
    assert after == before
    assert report.rows.dropped["detections_p202508"] == 1
    assert "detections_p202511" not in report.rows.dropped
    assert "detections_p202702" in report.rows.created
    assert any("would drop detections_p202508" in line for line in said)


@pytest.mark.postgis
def test_retention_drops_only_whole_old_partitions_and_keeps_new_rows(
    pg: Store, tmp_path: Path
) -> None:
    fill(pg)
    settings = settings_for(tmp_path, detections_months=12, sensor_readings_months=6)
    report = run_retention(settings, pg, NOW, say=lambda _line: None)
    detections = partition_names(pg, "detections")
    assert detections[0] == "detections_p202511"  # 12 months back from November 2026
    assert detections[-4:] == [  # three months ahead, then the default partition
        "detections_p202612",
        "detections_p202701",
        "detections_p202702",
        "detections_default",
    ]
    assert partition_names(pg, "sensor_readings")[0] == "sensor_readings_p202605"
    assert count(pg, Detection) == 13  # November 2025 .. November 2026
    assert count(pg, SensorReading) == 7  # May .. November 2026
    assert sorted(report.rows.dropped) == [
        f"detections_p{m:%Y%m}" for m in map(months_back, range(15, 12, -1))
    ] + [f"sensor_readings_p{m:%Y%m}" for m in map(months_back, range(15, 6, -1))]
    again = run_retention(settings, pg, NOW, say=lambda _line: None)
    assert (again.rows.created, again.rows.dropped) == ([], {})


@pytest.mark.postgis
def test_old_rows_in_the_default_partition_go_and_new_ones_move_to_their_month(
    pg: Store, tmp_path: Path
) -> None:
    add_cameras(pg, "c1")
    far_past = datetime(2019, 3, 1, tzinfo=UTC)
    far_ahead = NOW + timedelta(days=150)  # April 2027: no partition yet
    BatchWriter(pg).write(
        [
            (MSG, CameraDetection("old", "c1", far_past, "smoke", 0.5)),
            (MSG, CameraDetection("ahead", "c1", far_ahead, "smoke", 0.5)),
        ],
        [],
        NOW,
    )
    assert rows_by_partition(pg, "detections") == {"detections_default": 2}
    run_retention(settings_for(tmp_path, months_ahead=6), pg, NOW, say=lambda _line: None)
    assert rows_by_partition(pg, "detections") == {"detections_p202704": 1}


def test_sqlite_retention_deletes_old_rows_in_chunks(
    sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(sqlite_store)
    settings = settings_for(tmp_path, detections_months=12, sensor_readings_months=6)
    dry = run_retention(settings, sqlite_store, NOW, dry_run=True, say=lambda _line: None)
    assert dry.rows.deleted == {"detections": 3, "sensor_readings": 9}
    assert (count(sqlite_store, Detection), count(sqlite_store, SensorReading)) == (16, 16)
    monkeypatch.setattr(retention_rows, "DELETE_CHUNK", 2)
    report = run_retention(settings, sqlite_store, NOW, say=lambda _line: None)
    assert report.rows.deleted == {"detections": 3, "sensor_readings": 9}
    with sqlite_store.session() as session:
        oldest = session.scalar(select(func.min(Detection.observed_at)))
    assert oldest == months_back(12)
    assert count(sqlite_store, SensorReading) == 7


def test_keep_forever_deletes_nothing(sqlite_store: Store, tmp_path: Path) -> None:
    fill(sqlite_store)
    settings = settings_for(tmp_path, detections_months=0, sensor_readings_months=0)
    run_retention(settings, sqlite_store, NOW, say=lambda _line: None)
    assert (count(sqlite_store, Detection), count(sqlite_store, SensorReading)) == (16, 16)


def touch(path: Path, age: timedelta, now: datetime = NOW, body: bytes = b"jpeg") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    stamp = (now - age).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def add_incident(store: Store, ident: int, status: str, snapshot: str) -> None:
    with store.session() as session:
        session.add(
            Incident(
                id=ident,
                kind="smoke",
                severity="high",
                status=status,
                title="",
                lon=108.4,
                lat=11.9,
                geom=shapely.Point(108.4, 11.9),
                opened_at=NOW,
                updated_at=NOW,
                snapshot=snapshot,
            )
        )


def add_member(store: Store, incident: int, snapshot: str, clip: str) -> None:
    """A detection with its files, member of ``incident``."""
    add_cameras(store, "cam1")
    with store.session() as session:
        det = Detection(
            msg_id="m1",
            camera_id="cam1",
            kind="smoke",
            score=0.9,
            snapshot=snapshot,
            clip=clip,
            observed_at=NOW,
            received_at=NOW,
        )
        session.add(det)
        session.flush()
        session.add(
            IncidentMember(
                incident_id=incident,
                source="detection",
                ref_id=det.id,
                camera_id="cam1",
                observed_at=NOW,
            )
        )


def test_file_sweep_deletes_only_old_files_inside_the_folder(
    sqlite_store: Store, tmp_path: Path
) -> None:
    var = tmp_path / "var"
    cam = var / "snapshots" / "cam1"
    day = timedelta(days=1)
    old, mid, new = (
        touch(cam / "a.jpg", 100 * day),
        touch(cam / "b.jpg", 40 * day),
        touch(cam / "c.jpg", day),
    )
    old_strip, new_strip = touch(cam / "b-strip.jpg", 40 * day), touch(cam / "c-strip.jpg", day)
    shown, shown_strip = (
        touch(cam / "open.jpg", 100 * day),
        touch(cam / "open-strip.jpg", 100 * day),
    )
    closed = touch(cam / "closed.jpg", 100 * day)
    photo = touch(var / "snapshots" / "field" / "7" / "photo.jpg", 400 * day)
    outside = touch(tmp_path / "elsewhere" / "keep.jpg", 400 * day)
    (cam / "link.jpg").symlink_to(outside)
    (var / "snapshots" / "escape").symlink_to(outside.parent, target_is_directory=True)
    member = touch(cam / "member.jpg", 100 * day)
    member_clip = touch(cam / "member-clip.jpg", 100 * day)
    add_incident(sqlite_store, 1, "acknowledged", "snapshots/cam1/open.jpg")
    add_incident(sqlite_store, 2, "resolved", "snapshots/cam1/closed.jpg")
    add_member(sqlite_store, 1, "snapshots/cam1/member.jpg", "snapshots/cam1/member-clip.jpg")
    settings = settings_for(var, snapshot_days=90, clip_days=30)

    dry = run_retention(settings, sqlite_store, NOW, dry_run=True, say=lambda _line: None)
    assert (dry.files.deleted, dry.files.kept_open) == (3, 4)
    assert old.exists() and closed.exists() and old_strip.exists()
    report = run_retention(settings, sqlite_store, NOW, say=lambda _line: None)

    assert (report.files.deleted, report.files.freed_bytes) == (3, 12)
    assert not old.exists() and not closed.exists() and not old_strip.exists()
    for kept in (mid, new, new_strip, shown, shown_strip, member, member_clip, photo, outside):
        assert kept.exists(), kept
    assert (cam / "link.jpg").is_symlink() and (var / "snapshots" / "escape").is_symlink()


def test_maintenance_role_runs_once_at_start_and_stops(sqlite_store: Store, tmp_path: Path) -> None:
    old = touch(tmp_path / "snapshots" / "cam1" / "a.jpg", timedelta(days=400), now=utcnow())
    stop = threading.Event()
    task = maintenance_task(settings_for(tmp_path), sqlite_store)
    thread = threading.Thread(target=task, args=(stop,))
    thread.start()
    try:
        assert wait_for(lambda: not old.exists(), timeout=10)
    finally:
        stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()


def test_cli_dry_run_then_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IOC_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("IOC_DATABASE__URL", raising=False)
    old = touch(tmp_path / "snapshots" / "cam1" / "a.jpg", timedelta(days=400), now=utcnow())
    assert main(["db", "upgrade"]) == 0
    assert main(["retention", "run", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "dry run" in out and "would delete 1" in out
    assert old.exists()
    assert main(["retention", "run"]) == 0
    assert "deleted 1" in capsys.readouterr().out
    assert not old.exists()


def open_sessions(store: Store, now: datetime) -> dict[str, str]:
    """Sessions of one user: ended (absolute), ended (idle 3 h), live, and a kiosk's live one
    that has been quiet for a day (kiosks have no idle limit)."""
    with store.session() as session:
        user = create_user(session, "xem", "mật-khẩu-đủ-dài", Role.VIEWER, now)
        kiosk = sessions.issue_kiosk_token(session, "wall", None, now - timedelta(days=2))[1]
        starts = {
            "absolute": now - timedelta(hours=13),
            "idle": now - timedelta(hours=3),
            "live": now - timedelta(minutes=5),
        }
        hashes = {
            name: sessions.open_session(session, at, user=user)[1].token_hash
            for name, at in starts.items()
        }
        quiet = sessions.open_session(session, now - timedelta(days=1), kiosk=kiosk)[1]
        hashes["kiosk"] = quiet.token_hash
    return hashes


@pytest.mark.parametrize("retention_on", [True, False])
def test_maintenance_role_purges_ended_sessions(
    store: Store, tmp_path: Path, retention_on: bool
) -> None:
    """Sessions past their lifetime or idle period were never deleted (issue #17, item 7)."""
    now = utcnow()
    hashes = open_sessions(store, now)
    settings = Settings(var_dir=tmp_path, retention=RetentionSettings(enabled=retention_on))
    said: list[str] = []
    run_retention(settings, store, now, dry_run=True, say=said.append)
    assert (
        said[-1].endswith("expired sessions: sẽ xoá / would delete 2")
        and count(store, WebSession) == 4
    )
    stop = threading.Event()
    thread = threading.Thread(target=maintenance_task(settings, store), args=(stop,))
    thread.start()
    try:
        assert wait_for(lambda: count(store, WebSession) == 2, timeout=10)
    finally:
        stop.set()
        thread.join(timeout=5)
    with store.session() as session:
        left = set(session.scalars(select(WebSession.token_hash)).all())
    assert left == {hashes["live"], hashes["kiosk"]}


@pytest.mark.postgis
def test_a_busy_table_is_skipped_and_done_on_the_next_run(
    pg: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(pg)
    monkeypatch.setattr(retention_rows, "LOCK_TIMEOUT", "200ms")
    settings = settings_for(tmp_path, detections_months=12, sensor_readings_months=6)
    with pg.engine.connect() as reader:  # a long report holding detections open
        reader.execute(text("SELECT count(*) FROM detections"))
        busy = run_retention(settings, pg, NOW, say=lambda _line: None)
        reader.rollback()
    assert [failure.split(":")[0] for failure in busy.rows.failures] == ["detections"]
    assert partition_names(pg, "sensor_readings")[0] == "sensor_readings_p202605"
    assert count(pg, Detection) == 16
    later = run_retention(settings, pg, NOW, say=lambda _line: None)
    assert later.rows.failures == []
    assert count(pg, Detection) == 13
