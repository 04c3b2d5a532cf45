"""Migration 0010 on a PostGIS database that already holds rows: nothing lost, and the real
writer stays exactly-once on the partitioned tables; the downgrade brings the plain tables
back. SQLite keeps plain tables with the same (msg_id, observed_at) key."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import shapely
from alembic import command
from sqlalchemy import bindparam, insert, select, text

from ioc.ingest.messages import CameraDetection, Reading, SensorReadings
from ioc.ingest.writer import BatchWriter
from ioc.mqtt.inbound import InboundMessage
from ioc.store import Store
from ioc.store.migrate import alembic_config, current_revision, head_revisions, upgrade
from ioc.store.partitions import is_partitioned
from ioc.store.schema import metadata
from ioc.store.types import UtcDateTime
from tests.partition_support import partition_names, rows_by_partition, scratch_store

pytestmark = pytest.mark.postgis

NEWEST = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
ANCIENT = datetime(1970, 1, 2, tzinfo=UTC)  # a device whose clock was reset
MSG = InboundMessage("ioc/v1/camera/c1/detection", b"{}", NEWEST)
AT = bindparam("at", type_=UtcDateTime())  # stored as the store's own writes store it
DETECTION_SQL = text(
    "INSERT INTO detections (msg_id, camera_id, kind, score, observed_at, received_at) "
    "VALUES (:m, 'c1', 'smoke', 0.8, :at, :at)"
).bindparams(AT)
READING_SQL = text(
    "INSERT INTO sensor_readings (msg_id, station_id, quantity, value, unit, observed_at) "
    "VALUES (:m, 'QT-1', 'rain_mm', 1.5, 'mm', :at)"
).bindparams(AT)


CAMERA = {
    "id": "c1",
    "name": "Camera c1",
    "lon": 108.44,
    "lat": 11.94,
    "geom": shapely.Point(108.44, 11.94),
    "stream_url": "",
    "health": "unknown",
}
"""The camera in the columns the 0008 schema has (the ORM model has columns added later)."""


def seed_rows(store: Store) -> None:
    """Rows every 20 days over 18 months, and one from 1970, as the plain tables hold them."""
    with store.engine.begin() as conn:
        conn.execute(insert(metadata.tables["cameras"]).values(**CAMERA))
        for i in range(28):
            at = NEWEST - timedelta(days=20 * i)
            conn.execute(DETECTION_SQL, {"m": f"d{i}", "at": at})
            conn.execute(READING_SQL, {"m": f"r{i}#0", "at": at})
        conn.execute(DETECTION_SQL, {"m": "d-1970", "at": ANCIENT})


def table_rows(store: Store, table: str) -> set[tuple[int, str, datetime]]:
    with store.engine.connect() as conn:
        t = metadata.tables[table]
        rows = conn.execute(select(t.c.id, t.c.msg_id, t.c.observed_at)).all()
    return {(r[0], r[1], r[2]) for r in rows}


@pytest.fixture(scope="module")
def migrated() -> Iterator[tuple[Store, dict[str, set[tuple[int, str, datetime]]]]]:
    """A database at 0008 with rows, then migrated to the heads; with the rows it had."""
    with scratch_store("0008") as store:
        seed_rows(store)
        before = {t: table_rows(store, t) for t in ("detections", "sensor_readings")}
        upgrade(store)
        yield store, before


def test_rows_ids_and_revision_survive_the_migration(migrated) -> None:
    store, before = migrated
    assert current_revision(store) == head_revisions(store)
    for table, rows in before.items():
        assert table_rows(store, table) == rows
        with store.engine.connect() as conn:
            assert is_partitioned(conn, table)


def test_one_partition_per_month_of_data_and_ahead_plus_default(migrated) -> None:
    store, _ = migrated
    names = partition_names(store, "detections")
    oldest = NEWEST - timedelta(days=20 * 27)
    assert names[0] == f"detections_p{oldest:%Y%m}"
    assert "detections_p202611" in names
    assert names[-1] == "detections_default"
    placed = rows_by_partition(store, "detections")
    assert placed["detections_default"] == 1  # only the 1970 row
    assert placed["detections_p202611"] == 1
    with store.engine.connect() as conn:
        key = conn.execute(
            text(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = 'detections'::regclass AND contype = 'p'"
            )
        ).scalar()
    assert key == "PRIMARY KEY (id, observed_at)"


def test_writer_stays_exactly_once_after_the_migration(migrated) -> None:
    store, before = migrated
    writer = BatchWriter(store)
    known = next(msg for _, msg, at in before["detections"] if at == NEWEST)
    again = CameraDetection(known, "c1", NEWEST, "smoke", 0.8)  # redelivered from before
    new = CameraDetection("after-1", "c1", NEWEST + timedelta(hours=1), "fire", 0.9)
    first = writer.write([(MSG, again), (MSG, new), (MSG, new)], [], NEWEST)
    second = writer.write([(MSG, new)], [], NEWEST)
    assert (first.stored, first.duplicates) == (1, 2)
    assert (second.stored, second.duplicates) == (0, 1)
    reading = SensorReadings("r0", "QT-1", 108.4, 11.9, (Reading("rain_mm", 1.5, NEWEST),))
    fresh = SensorReadings("r-new", "QT-1", 108.4, 11.9, (Reading("rain_mm", 2.0, NEWEST),))
    result = writer.write([(MSG, reading), (MSG, fresh), (MSG, fresh)], [], NEWEST)
    assert (result.readings, result.duplicates) == (1, 2)
    with store.engine.connect() as conn:
        ids = conn.execute(text("SELECT max(id) FROM detections")).scalar()
    assert ids is not None and ids > max(row[0] for row in before["detections"])


def test_downgrade_brings_back_plain_tables_with_their_rows() -> None:
    with scratch_store("0008") as store:
        seed_rows(store)
        before = table_rows(store, "detections")
        upgrade(store, "0010")
        config = alembic_config(store)
        with store.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0008")
        with store.engine.connect() as conn:
            assert not is_partitioned(conn, "detections")
            unique = conn.execute(
                text(
                    "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = 'detections'::regclass AND contype = 'u'"
                )
            ).scalar()
        assert unique == "UNIQUE (msg_id)"
        assert table_rows(store, "detections") == before


def test_sqlite_keeps_plain_tables_with_the_same_key(tmp_path) -> None:
    from ioc.store import open_store

    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    try:
        upgrade(store, "0008")
        seed_rows(store)
        before = table_rows(store, "detections")
        upgrade(store)
        assert table_rows(store, "detections") == before
        writer = BatchWriter(store)
        again = CameraDetection("d0", "c1", NEWEST, "smoke", 0.8)
        assert writer.write([(MSG, again)], [], NEWEST).duplicates == 1
        with store.engine.connect() as conn:
            assert not is_partitioned(conn, "detections")
    finally:
        store.dispose()
