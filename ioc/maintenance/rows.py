"""Expired rows out of the time-keyed tables; PostgreSQL partitions made ahead of time.

For each table of :data:`ioc.store.partitions.PARTITIONED` with a retention of N months
(``retention.<table>_months``; 0 keeps everything), rows older than the start of the month
N months before the current one go. On PostgreSQL the table is partitioned: partitions
wholly older than that cut-off are detached and dropped (no row-by-row delete, no bloat),
the default partition loses its old rows, and the partitions of the next
``retention.months_ahead`` months are created. On SQLite (or a PostgreSQL table that is
not partitioned) the old rows are deleted in chunks, each its own short transaction, so
the ingest worker is never held up for long.

Every DDL step runs in its own transaction with a lock timeout: if the ingest worker or a
long report holds the table, the step is skipped with a message and tried on the next run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, bindparam, inspect, text
from sqlalchemy.exc import DBAPIError

from ioc.config import RetentionSettings
from ioc.store import Store
from ioc.store.partitions import (
    PARTITIONED,
    PartitionKey,
    count_rows,
    drop_partition,
    ensure_partitions,
    floor,
    is_partitioned,
    literal,
    missing_periods,
    partition_name,
    partitions,
    periods,
    quote,
    step,
)
from ioc.store.types import UtcDateTime

Say = Callable[[str], None]
LOCK_TIMEOUT = "10s"
DELETE_CHUNK = 5000


@dataclass
class RowResult:
    """What a run did (or, dry, would do) to the tables."""

    created: list[str] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)  # partition -> rows
    deleted: dict[str, int] = field(default_factory=dict)  # table -> rows
    failures: list[str] = field(default_factory=list)


def cutoff(now: datetime, months: int) -> datetime | None:
    """Rows older than this expire: the start of the month ``months`` before now's month."""
    if months <= 0:
        return None
    return step(floor(now, "month"), "month", -months)


@dataclass
class _Run:
    """One run over the tables: where, when, how, and what it did."""

    store: Store
    settings: RetentionSettings
    now: datetime
    dry_run: bool
    say: Say
    result: RowResult = field(default_factory=RowResult)

    def verb(self, dry: str, done: str) -> str:
        return dry if self.dry_run else done


def expire_rows(
    store: Store, settings: RetentionSettings, now: datetime, dry_run: bool, say: Say
) -> RowResult:
    """Apply the retention of every registered table (``dry_run``: only report)."""
    run = _Run(store, settings, now, dry_run, say)
    for table, spec in PARTITIONED.items():
        try:
            _expire_table(run, table, spec)
        except DBAPIError as exc:  # a lock not had in time, say: the next run tries again
            run.result.failures.append(f"{table}: {exc.orig}")
            say(f"  {table}: bỏ qua, thử lại lần sau / skipped, will retry: {exc.orig}")
    return run.result


def _expire_table(run: _Run, table: str, spec: PartitionKey) -> None:
    with run.store.engine.connect() as connection:
        if not inspect(connection).has_table(table):
            return
        partitioned = is_partitioned(connection, table)
    months = run.settings.keep_months(table)
    cut = cutoff(run.now, months)
    if cut is None:
        run.say(f"{table}: giữ mãi / kept forever")
    else:
        run.say(f"{table}: giữ / keep {months} tháng / months, trước / before {cut:%Y-%m-%d}")
    result = run.result
    if partitioned:
        result.created += _make_ahead(run, table, spec)
        if cut is not None:
            result.dropped.update(_drop_expired(run, table, cut))
            result.deleted[table] = _clean_default(run, table, spec.column, cut)
    elif cut is not None:
        result.deleted[table] = _delete_rows(run, table, spec.column, cut)


@contextmanager
def _ddl(store: Store) -> Iterator[Connection]:
    """One short transaction that gives up waiting for a lock after :data:`LOCK_TIMEOUT`."""
    with store.engine.begin() as connection:
        connection.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
        yield connection


def _make_ahead(run: _Run, table: str, spec: PartitionKey) -> list[str]:
    last = step(floor(run.now, "month"), "month", run.settings.months_ahead)
    with _ddl(run.store) as connection:
        if run.dry_run:
            starts = periods(run.now, last, spec.interval)
            missing = missing_periods(partitions(connection, table), starts, spec.interval)
            made = [partition_name(table, start, spec.interval) for start, _ in missing]
        else:
            made = ensure_partitions(connection, table, spec, run.now, last)
    for name in made:
        run.say(f"  {run.verb('sẽ tạo / would create', 'đã tạo / created')} {name}")
    return made


def _drop_expired(run: _Run, table: str, cut: datetime) -> dict[str, int]:
    with run.store.engine.connect() as connection:
        expired = [p.name for p in partitions(connection, table) if p.older_than(cut)]
    dropped = {}
    for name in expired:
        with _ddl(run.store) as connection:
            rows = count_rows(connection, name)
            if not run.dry_run:
                drop_partition(connection, table, name)
        dropped[name] = rows
        verb = run.verb("sẽ xoá / would drop", "đã xoá / dropped")
        run.say(f"  {verb} {name} ({rows} dòng / rows)")
    return dropped


def _clean_default(run: _Run, table: str, key: str, cut: datetime) -> int:
    """Old rows that sit in the default partition (outside every monthly one)."""
    with run.store.engine.connect() as connection:
        default = next((p.name for p in partitions(connection, table) if p.default), None)
    if default is None:
        return 0
    with _ddl(run.store) as connection:
        where = f"{quote(connection, key)} < {literal(cut)}"
        if run.dry_run:
            rows = count_rows(connection, default, where)
        else:
            statement = f"DELETE FROM {quote(connection, default)} WHERE {where}"
            rows = int(connection.execute(text(statement)).rowcount)
    if rows:
        verb = run.verb("sẽ xoá / would delete", "đã xoá / deleted")
        run.say(f"  {verb} {rows} dòng cũ trong / old rows in {default}")
    return rows


def _delete_rows(run: _Run, table: str, key: str, cut: datetime) -> int:
    """Delete rows older than ``cut`` in chunks of :data:`DELETE_CHUNK` (one commit each)."""
    engine = run.store.engine
    row = "rowid" if engine.dialect.name == "sqlite" else "ctid"
    cut_param = bindparam("cut", cut, type_=UtcDateTime())
    with engine.connect() as connection:
        q, k = quote(connection, table), quote(connection, key)
        if run.dry_run:
            count = text(f"SELECT count(*) FROM {q} WHERE {k} < :cut").bindparams(cut_param)
            rows = int(connection.execute(count).scalar() or 0)
            run.say(f"  sẽ xoá / would delete {rows} dòng / rows")
            return rows
    older = f"SELECT {row} FROM {q} WHERE {k} < :cut LIMIT {DELETE_CHUNK}"
    chunk = text(f"DELETE FROM {q} WHERE {row} IN ({older})").bindparams(cut_param)
    total = 0
    while True:
        with engine.begin() as connection:
            deleted = int(connection.execute(chunk).rowcount)
        total += deleted
        if deleted:
            run.say(f"  đã xoá / deleted {total} dòng / rows")
        if deleted < DELETE_CHUNK:
            return total
