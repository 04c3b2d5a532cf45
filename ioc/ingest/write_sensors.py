"""Sensor readings into the store, idempotent on ``<msg_id>#<index>`` and the reading's time.

PostGIS gets COPY into a temporary staging table and one INSERT ... ON CONFLICT DO NOTHING
from it (bulk speed with exactly-once rows); SQLite gets one executemany of INSERT OR
IGNORE in the batch's transaction. Never a commit per row.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from ioc.ingest.messages import SensorReadings
from ioc.store.models import MESSAGE_KEY, SensorReading

READINGS = SensorReading.__table__
COLUMNS = (
    "msg_id",
    "station_id",
    "quantity",
    "value",
    "unit",
    "lon",
    "lat",
    "observed_at",
    "stored_at",
)
STAGE = "ioc_stage_readings"
STAGE_DDL = (
    f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} (msg_id text, station_id text, quantity text, "
    "value float8, unit text, lon float8, lat float8, observed_at timestamptz, "
    "stored_at timestamptz) ON COMMIT DELETE ROWS"
)


def reading_rows(batches: Sequence[SensorReadings], now: datetime) -> Iterator[tuple[Any, ...]]:
    """One row per reading, keyed ``<msg_id>#<index>``."""
    for batch in batches:
        for index, reading in enumerate(batch.readings):
            yield (
                f"{batch.msg_id}#{index}",
                batch.station_id,
                reading.quantity,
                reading.value,
                "",
                batch.lon,
                batch.lat,
                reading.observed_at,
                now,
            )


def insert_readings(
    session: Session, batches: Sequence[SensorReadings], now: datetime, postgis: bool
) -> tuple[int, int]:
    """Store readings; returns (readings offered, readings that were new)."""
    rows = list(reading_rows(batches, now))
    if not rows:
        return 0, 0
    new = _copy_postgres(session, rows) if postgis else _insert_sqlite(session, rows)
    return len(rows), new


def _insert_sqlite(session: Session, rows: list[tuple[Any, ...]]) -> int:
    statement = sqlite.insert(SensorReading).on_conflict_do_nothing(
        index_elements=list(MESSAGE_KEY)
    )
    result = session.connection().execute(
        statement, [dict(zip(COLUMNS, r, strict=True)) for r in rows]
    )
    return int(result.rowcount)


def _copy_postgres(session: Session, rows: list[tuple[Any, ...]]) -> int:
    connection = session.connection()
    columns = ", ".join(COLUMNS)
    connection.execute(text(STAGE_DDL))
    raw = connection.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY {STAGE} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO sensor_readings ({columns}) SELECT {columns} FROM {STAGE} "
            f"ON CONFLICT ({', '.join(MESSAGE_KEY)}) DO NOTHING"
        )
        return int(cursor.rowcount)
