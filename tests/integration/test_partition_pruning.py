"""The dashboard's hot reads touch only the recent partitions on PostGIS (EXPLAIN says so).

Every statement a feed function sends is caught on its way to the database and explained
with its own parameters; the relations the plan reads must be this month's partitions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from ioc.aggregates import feeds
from ioc.store import Store
from ioc.store.models import SensorReading
from ioc.store.partitions import PARTITIONED, ensure_partitions
from testkit.helpers import add_cameras
from testkit.query_plans import explained, plan_names, relations
from tests.partition_support import scratch_store

pytestmark = pytest.mark.postgis

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
FIRST = datetime(2025, 10, 1, tzinfo=UTC)
SEED = {
    "sensor_readings": (
        "INSERT INTO sensor_readings (msg_id, station_id, quantity, value, unit, lon, lat, "
        "observed_at) SELECT 'm' || i || '-' || s, 'QT-' || s, 'rain_mm', 1, 'mm', 108.4, 11.9, "
        ":first + i * interval '6 hours' FROM generate_series(0, :steps) i, generate_series(1, 5) s"
    ),
    "detections": (
        "INSERT INTO detections (msg_id, camera_id, kind, score, snapshot, observed_at, "
        "received_at) SELECT 'd' || i, 'c1', 'smoke', 0.9, 'snapshots/c1/' || i || '.jpg', "
        ":first + i * interval '6 hours', :first FROM generate_series(0, :steps) i"
    ),
}
# a camera whose detections carry no picture (an analysis-only camera, or snapshots off)
NO_PICTURES = (
    "INSERT INTO detections (msg_id, camera_id, kind, score, observed_at, received_at) "
    "SELECT 'n' || i, 'c2', 'smoke', 0.9, :first + i * interval '1 hour', :first "
    "FROM generate_series(0, :steps * 6) i"
)


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    """Fourteen months of readings (5 stations) and detections every 6 hours, one partition
    per month."""
    with scratch_store() as store:
        add_cameras(store, "c1", "c2")
        steps = int((NOW - FIRST).total_seconds() // (6 * 3600))
        with store.engine.begin() as conn:
            for table, sql in SEED.items():
                ensure_partitions(conn, table, PARTITIONED[table], FIRST, NOW)
                conn.execute(text(sql), {"first": FIRST, "steps": steps})
                if table == "detections":
                    conn.execute(text(NO_PICTURES), {"first": FIRST, "steps": steps})
                conn.execute(text(f"ANALYZE {table}"))
        yield store


def scanned(store: Store, call: Callable[[Session], object]) -> tuple[object, set[str]]:
    """What ``call`` returns, and the relations the plans of its statements read."""
    result, plans = explained(store, call)
    assert plans
    return result, set().union(*(relations(plan) for plan in plans))


def test_latest_readings_read_only_this_months_partition(store: Store) -> None:
    readings, touched = scanned(store, lambda s: feeds.latest_readings(s, NOW))
    assert isinstance(readings, list) and len(readings) == 5
    assert touched == {"sensor_readings_p202611"}


def test_sensor_version_reads_only_this_months_partition(store: Store) -> None:
    version, touched = scanned(store, lambda s: feeds.sensors_version(s, NOW))
    assert version != "0"
    assert touched == {"sensor_readings_p202611"}


def test_latest_snapshots_read_only_the_kept_months(store: Store) -> None:
    since = NOW - timedelta(days=60)
    shots, touched = scanned(store, lambda s: feeds.latest_snapshots(s, ["c1"], NOW, since))
    newest = int((NOW - FIRST).total_seconds() // (6 * 3600))
    assert shots == {"c1": f"snapshots/c1/{newest}.jpg"}
    assert touched == {"cameras", "detections_p202609", "detections_p202610", "detections_p202611"}


def test_an_unbounded_read_would_touch_every_month(store: Store) -> None:
    """The check itself can see a read that is not pruned."""
    _, touched = scanned(store, lambda s: s.scalar(select(func.max(SensorReading.id))))
    assert len(touched) >= 14


def test_latest_snapshots_walk_only_the_detections_with_a_picture(store: Store) -> None:
    """Migration 0017: a camera with thousands of picture-less detections costs one probe of
    a partial index per month, not a walk through all of them."""
    with store.engine.connect() as conn:
        partial = set(
            conn.execute(
                text(
                    "SELECT indexname FROM pg_indexes WHERE tablename LIKE 'detections%' "
                    "AND indexdef LIKE '%WHERE (snapshot IS NOT NULL)%'"
                )
            ).scalars()
        )
    since = NOW - timedelta(days=90)
    shots, plans = explained(store, lambda s: feeds.latest_snapshots(s, ["c1", "c2"], NOW, since))
    used = {name for name in plan_names(plans, "Index Name") if name.startswith("detections")}
    assert isinstance(shots, dict) and set(shots) == {"c1"}
    assert used and used <= partial, used - partial
