"""Native PostgreSQL range partitions of the time-keyed tables, and the helpers that keep them.

:data:`PARTITIONED` is the one registry of which tables are partitioned, on which column and
by which interval; retention (``ioc retention run``) and the pages read it. Every helper is
generic (a table name, its key column, an interval), so another append-mostly table joins
by a migration that calls :func:`ioc.store.partition_convert.partition_table` and one line
here.

Partitions are named ``<table>_p<YYYYMM>`` (``_p<YYYY>`` for years, ``_p<YYYYMMDD>`` for
days) and cover ``[start, end)`` in UTC; ``<table>_default`` takes whatever no partition
covers. Bounds are read back from the catalog, not from the names, so a partition made by
hand is understood too. SQLite has no partitioning: there the same tables are plain and
retention deletes rows (see :mod:`ioc.maintenance.rows`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final, Literal

from sqlalchemy import Connection, text

Interval = Literal["day", "month", "year"]


@dataclass(frozen=True)
class PartitionKey:
    """How one table is partitioned: its key column and the width of a partition."""

    column: str
    interval: Interval = "month"


PARTITIONED: Final[dict[str, PartitionKey]] = {
    "detections": PartitionKey("observed_at"),
    "sensor_readings": PartitionKey("observed_at"),
    "audit_log": PartitionKey("at"),
}


@dataclass(frozen=True)
class Partition:
    """One partition of a table: ``[start, end)`` in UTC (None: unbounded or default)."""

    name: str
    start: datetime | None
    end: datetime | None
    default: bool = False

    def older_than(self, cutoff: datetime) -> bool:
        """Whether every row the partition can hold is older than ``cutoff``."""
        return not self.default and self.end is not None and self.end <= cutoff

    def overlaps(self, start: datetime, end: datetime) -> bool:
        if self.default:
            return False
        low = self.start is None or self.start < end
        high = self.end is None or self.end > start
        return low and high


def floor(at: datetime, interval: Interval) -> datetime:
    """The start (UTC) of the interval holding ``at``."""
    at = at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)
    if interval == "day":
        return at.replace(hour=0, minute=0, second=0, microsecond=0)
    if interval == "month":
        return at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return at.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)


def step(start: datetime, interval: Interval, count: int = 1) -> datetime:
    """``start`` moved by ``count`` intervals (negative: back); ``start`` is an interval start."""
    if interval == "day":
        return start + timedelta(days=count)
    if interval == "year":
        return start.replace(year=start.year + count)
    months = start.year * 12 + start.month - 1 + count
    return start.replace(year=months // 12, month=months % 12 + 1)


def periods(first: datetime, last: datetime, interval: Interval) -> list[datetime]:
    """Starts of the intervals from the one holding ``first`` to the one holding ``last``."""
    start, stop = floor(first, interval), floor(last, interval)
    starts = []
    while start <= stop:
        starts.append(start)
        start = step(start, interval)
    return starts


def partition_name(table: str, start: datetime, interval: Interval) -> str:
    """``detections_p202611`` for the month of November 2026."""
    pattern = {"day": "%Y%m%d", "month": "%Y%m", "year": "%Y"}[interval]
    return f"{table}_p{start.strftime(pattern)}"


def default_name(table: str) -> str:
    return f"{table}_default"


def literal(at: datetime) -> str:
    """A timestamp as an SQL literal for partition bounds (DDL takes no parameters)."""
    return "'" + at.astimezone(UTC).isoformat(sep=" ") + "'"


def quote(connection: Connection, name: str) -> str:
    return str(connection.dialect.identifier_preparer.quote(name))


_BOUND = re.compile(r"FOR VALUES FROM \((.+)\) TO \((.+)\)$")


def parse_bound(expression: str) -> tuple[datetime | None, datetime | None] | None:
    """``(start, end)`` of ``FOR VALUES FROM (...) TO (...)``; None for ``DEFAULT``."""
    match = _BOUND.match(expression.strip())
    if match is None:
        return None
    return _bound_value(match.group(1)), _bound_value(match.group(2))


def _bound_value(value: str) -> datetime | None:
    value = value.strip()
    if value in ("MINVALUE", "MAXVALUE"):
        return None
    parsed = datetime.fromisoformat(value.strip("'"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def is_partitioned(connection: Connection, table: str) -> bool:
    """Whether ``table`` is a partitioned parent (always False on SQLite)."""
    if connection.dialect.name != "postgresql":
        return False
    kind = connection.execute(
        text("SELECT relkind FROM pg_class WHERE oid = to_regclass(:t)"), {"t": table}
    ).scalar()
    return kind == "p"


def partitions(connection: Connection, table: str) -> list[Partition]:
    """The partitions of ``table`` with their bounds, oldest first, the default last."""
    zone = connection.execute(text("SELECT current_setting('TimeZone')")).scalar()
    connection.execute(text("SET LOCAL TimeZone = 'UTC'"))  # bounds come back in UTC
    rows = connection.execute(
        text(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(:t)"
        ),
        {"t": table},
    ).all()
    connection.execute(text("SELECT set_config('TimeZone', :zone, true)"), {"zone": zone})
    found = []
    for name, expression in rows:
        bounds = parse_bound(expression)
        if bounds is None:
            found.append(Partition(name, None, None, default=True))
        else:
            found.append(Partition(name, *bounds))
    oldest = datetime.min.replace(tzinfo=UTC)
    return sorted(found, key=lambda p: (p.default, p.start or oldest))


def create_default_partition(connection: Connection, table: str) -> str:
    name = default_name(table)
    parent = quote(connection, table)
    connection.execute(
        text(f"CREATE TABLE {quote(connection, name)} PARTITION OF {parent} DEFAULT")
    )
    return name


def create_partition(
    connection: Connection, table: str, key: str, *, start: datetime, end: datetime, name: str
) -> int:
    """Add the partition ``[start, end)``; rows of that range already in the default
    partition are moved into it first (PostgreSQL refuses the partition otherwise).
    Returns how many rows were moved."""
    q = quote(connection, table)
    new = quote(connection, name)
    bounds = f"FOR VALUES FROM ({literal(start)}) TO ({literal(end)})"
    default = next((p.name for p in partitions(connection, table) if p.default), None)
    in_range = f"{quote(connection, key)} >= {literal(start)} AND {quote(connection, key)} < "
    in_range += literal(end)
    stray = (
        default is not None
        and connection.execute(
            text(f"SELECT EXISTS (SELECT 1 FROM {quote(connection, default)} WHERE {in_range})")
        ).scalar()
    )
    if not stray:
        connection.execute(text(f"CREATE TABLE {new} PARTITION OF {q} {bounds}"))
        return 0
    assert default is not None
    connection.execute(text(f"CREATE TABLE {new} (LIKE {q} INCLUDING DEFAULTS)"))
    moved = connection.execute(
        text(
            f"WITH moved AS (DELETE FROM {quote(connection, default)} WHERE {in_range} "
            f"RETURNING *) INSERT INTO {new} SELECT * FROM moved"
        )
    ).rowcount
    connection.execute(text(f"ALTER TABLE {q} ATTACH PARTITION {new} {bounds}"))
    return int(moved)


def missing_periods(
    existing: list[Partition], starts: list[datetime], interval: Interval
) -> list[tuple[datetime, datetime]]:
    """The ``[start, end)`` periods among ``starts`` that no existing partition touches."""
    wanted = [(start, step(start, interval)) for start in starts]
    return [(a, b) for a, b in wanted if not any(p.overlaps(a, b) for p in existing)]


def ensure_partitions(
    connection: Connection, table: str, spec: PartitionKey, first: datetime, last: datetime
) -> list[str]:
    """Create the partitions of ``table`` covering ``first``..``last`` that are missing."""
    starts = periods(first, last, spec.interval)
    made = []
    for start, end in missing_periods(partitions(connection, table), starts, spec.interval):
        name = partition_name(table, start, spec.interval)
        create_partition(connection, table, spec.column, start=start, end=end, name=name)
        made.append(name)
    return made


def drop_partition(connection: Connection, table: str, name: str) -> None:
    """Detach the partition ``name`` from ``table`` and drop it with its rows."""
    connection.execute(
        text(f"ALTER TABLE {quote(connection, table)} DETACH PARTITION {quote(connection, name)}")
    )
    connection.execute(text(f"DROP TABLE {quote(connection, name)}"))


def count_rows(connection: Connection, name: str, where: str = "") -> int:
    """Rows of one table or partition (``where``: an SQL condition, trusted text)."""
    condition = f" WHERE {where}" if where else ""
    query = f"SELECT count(*) FROM {quote(connection, name)}{condition}"
    return int(connection.execute(text(query)).scalar() or 0)
