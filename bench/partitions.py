"""Partitioning benchmark: the dashboard's hot reads on plain and on partitioned tables.

Makes a PostGIS database at schema 0008 (plain tables), fills ``detections`` and
``sensor_readings`` with N rows each spread over the last M months (300 cameras, 100
stations, SQL ``generate_series``), times the hot reads, migrates to the heads (0010:
monthly partitions; the migration is timed too), times the same reads again, then times
a retention run that drops the expired months. Each read is timed both as the pages send
it now (``observed_at`` bounded on both sides) and unbounded as before migration 0010.
Wall times on a shared machine are noisy; each read's shared buffers and the number of
tables or partitions it reads (from ``EXPLAIN (ANALYZE, BUFFERS)``) are not. The last line
printed is one JSON object.

    python bench/partitions.py --detections 5000000 --readings 5000000 --months 24
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.ingest import ensure_database  # noqa: E402
from ioc.aggregates import feeds  # noqa: E402
from ioc.config import RetentionSettings, Settings  # noqa: E402
from ioc.maintenance.job import run_retention  # noqa: E402
from ioc.store import Store, open_store  # noqa: E402
from ioc.store.migrate import upgrade  # noqa: E402
from ioc.store.models import Detection, SensorReading  # noqa: E402
from ioc.timeutil import utcnow  # noqa: E402
from testkit.query_plans import blocks, explained, relations  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/ioc_bench_partitions"
CAMERAS = 300
STATIONS = 100
GENERATE = {
    "cameras": """INSERT INTO cameras (id, name, lon, lat, geom, stream_url, health)
      SELECT 'cam-' || i, 'Camera ' || i, 108 + i * 0.003, 11.5 + i * 0.002,
             ST_SetSRID(ST_MakePoint(108 + i * 0.003, 11.5 + i * 0.002), 4326), '', 'ok'
      FROM generate_series(1, :cameras) i""",
    "detections": """INSERT INTO detections (msg_id, camera_id, kind, score, snapshot,
      observed_at, received_at)
      SELECT 'd' || i, 'cam-' || (1 + i % :cameras), 'smoke', 0.8,
             'snapshots/cam-' || (1 + i % :cameras) || '/' || i || '.jpg',
             :first + (:span * i / :n) * interval '1 second', :now
      FROM generate_series(1, :n) i""",
    "sensor_readings": """INSERT INTO sensor_readings (msg_id, station_id, quantity, value, unit,
      lon, lat, observed_at, stored_at)
      SELECT 'r' || i || '#0', 'ST-' || (1 + i % :stations), 'pm25_ugm3', 20 + i % 30, '',
             108.4, 11.9, :first + (:span * i / :n) * interval '1 second', :now
      FROM generate_series(1, :n) i""",
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_PG, help="PostGIS database to make")
    parser.add_argument("--detections", type=int, default=5_000_000, help="detection rows")
    parser.add_argument("--readings", type=int, default=5_000_000, help="sensor reading rows")
    parser.add_argument("--months", type=int, default=24, help="months the rows span")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs of each read")
    parser.add_argument("--keep-months", type=int, default=12, help="retention to time")
    return parser.parse_args()


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def fresh_database(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()
    ensure_database(url)


def generate(store: Store, args: argparse.Namespace, now: datetime) -> float:
    started = time.monotonic()
    first = now - timedelta(days=30.4 * args.months)
    sizes = {"cameras": CAMERAS, "detections": args.detections, "sensor_readings": args.readings}
    with store.engine.begin() as conn:
        for table, sql in GENERATE.items():
            began = time.monotonic()
            span = (now - first).total_seconds()
            params = {
                "n": sizes[table],
                "cameras": CAMERAS,
                "stations": STATIONS,
                "first": first,
                "now": now,
                "span": span,
            }
            conn.execute(text(sql), params)
            say(f"  {table}: {sizes[table]:,} rows in {time.monotonic() - began:.1f} s")
    vacuum(store)
    return time.monotonic() - started


def vacuum(store: Store) -> None:
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def old_latest_readings(session: Session, now: datetime) -> object:
    """``latest_readings`` as it was before migration 0010 (outer query unbounded)."""
    newest = (
        select(func.max(SensorReading.id))
        .where(
            SensorReading.observed_at >= now - timedelta(hours=24), SensorReading.lon.is_not(None)
        )
        .group_by(SensorReading.station_id)
    )
    return session.scalars(select(SensorReading).where(SensorReading.id.in_(newest))).all()


def old_latest_snapshots(session: Session, cameras: list[str]) -> object:
    newest = (
        select(func.max(Detection.id))
        .where(Detection.camera_id.in_(cameras), Detection.snapshot.is_not(None))
        .group_by(Detection.camera_id)
    )
    return session.execute(
        select(Detection.camera_id, Detection.snapshot).where(Detection.id.in_(newest))
    ).all()


def reads(now: datetime) -> dict[str, Callable[[Session], object]]:
    cameras = [f"cam-{i}" for i in range(1, CAMERAS + 1)]
    since = now - timedelta(days=90)
    return {
        "latest_readings": lambda s: feeds.latest_readings(s, now),
        "latest_readings_unbounded": lambda s: old_latest_readings(s, now),
        "sensors_version": lambda s: feeds.sensors_version(s, now),
        "sensors_version_unbounded": lambda s: s.scalar(select(func.max(SensorReading.id))),
        "latest_snapshots": lambda s: feeds.latest_snapshots(s, cameras, now, since),
        "latest_snapshots_unbounded": lambda s: old_latest_snapshots(s, cameras),
    }


def time_reads(store: Store, now: datetime, repeat: int) -> dict[str, dict[str, float]]:
    """Per read: median wall milliseconds (after one untimed run), and from EXPLAIN
    (ANALYZE, BUFFERS) the shared buffers it used and the tables or partitions it read —
    the last two do not depend on how busy the machine is."""
    measured = {}
    for name, read in reads(now).items():
        times = []
        for attempt in range(repeat + 1):
            with store.session() as session:
                began = time.perf_counter()
                read(session)
                if attempt:
                    times.append(time.perf_counter() - began)
        _, plans = explained(store, read, "ANALYZE, BUFFERS, FORMAT JSON")
        touched = set().union(*(relations(plan) for plan in plans)) - {"cameras"}
        measured[name] = {
            "ms": round(statistics.median(times) * 1000, 2),
            "buffers": blocks(plans),
            "relations": len(touched),
        }
        say(f"  {name}: {measured[name]}")
    return measured


def main() -> int:
    args = parse_args()
    now = utcnow()
    fresh_database(args.database_url)
    store = open_store(args.database_url)
    upgrade(store, "0008")
    say("generating (plain tables, schema 0008)")
    generated = generate(store, args, now)
    say("hot reads on plain tables")
    plain = time_reads(store, now, args.repeat)
    say("migrating to the heads (monthly partitions)")
    began = time.monotonic()
    upgrade(store)
    migrated = time.monotonic() - began
    vacuum(store)
    say(f"  migration: {migrated:.1f} s")
    say("hot reads on partitioned tables")
    partitioned = time_reads(store, now, args.repeat)
    keep = RetentionSettings(
        detections_months=args.keep_months, sensor_readings_months=args.keep_months
    )
    settings = Settings(var_dir=ROOT / "var" / "bench-partitions", retention=keep)
    began = time.monotonic()
    report = run_retention(settings, store, utcnow(), say=say)
    retention_s = time.monotonic() - began
    store.dispose()
    result: dict[str, Any] = {
        "bench": "partitions",
        "detections": args.detections,
        "readings": args.readings,
        "months": args.months,
        "generate_s": round(generated, 1),
        "migration_s": round(migrated, 1),
        "retention_s": round(retention_s, 2),
        "partitions_dropped": len(report.rows.dropped),
        "rows_dropped": sum(report.rows.dropped.values()),
        "plain": plain,
        "partitioned": partitioned,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
