"""Rebuild a PostgreSQL table as a range-partitioned one (and back), keeping every row.

Used by migrations (0010 for ``detections`` and ``sensor_readings``; the same call for any
later table). In one transaction: read the table's shape from the catalog (primary key,
unique constraints, indexes, foreign keys, triggers, owned sequences), rename the table and
its indexes out of the way, create the partitioned parent with the same columns and
defaults, create the partitions (every interval from the oldest row's to ``ahead``
intervals past now, plus a default partition), copy the rows, then put the shape back.

PostgreSQL requires every primary key and unique constraint of a partitioned table to
include the partition key, so the key column is appended to them (``UNIQUE (msg_id)``
becomes ``UNIQUE (msg_id, observed_at)``); the reverse rebuild removes it again. The table
is locked (ACCESS EXCLUSIVE) for the whole copy: run the migration in a quiet moment.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, text

from ioc.store.partitions import (
    PartitionKey,
    create_default_partition,
    ensure_partitions,
    floor,
    quote,
    step,
)

log = logging.getLogger(__name__)

MAX_NAME = 63  # PostgreSQL truncates identifiers longer than this
HISTORY_INTERVALS = 120  # rows older than this many intervals go to the default partition


@dataclass
class TableShape:
    """What a rebuild must put back on the new table."""

    primary_key: list[str] = field(default_factory=list)
    uniques: list[list[str]] = field(default_factory=list)
    indexes: list[str] = field(default_factory=list)  # CREATE INDEX statements
    index_names: list[str] = field(default_factory=list)  # every index, constraints' too
    foreign_keys: list[tuple[str, str]] = field(default_factory=list)  # (name, definition)
    triggers: list[str] = field(default_factory=list)  # CREATE TRIGGER statements
    sequences: list[tuple[str, str]] = field(default_factory=list)  # (sequence, column)


CONSTRAINTS = """
SELECT c.contype, c.conname, pg_get_constraintdef(c.oid),
       ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(num, pos)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num
             ORDER BY k.pos)
FROM pg_constraint c WHERE c.conrelid = to_regclass(:t) AND c.contype IN ('p', 'u', 'f')
ORDER BY c.conname
"""
INDEXES = """
SELECT ci.relname, pg_get_indexdef(i.indexrelid), i.indisunique,
       EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid
               AND c.conrelid = i.indrelid)
FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid
WHERE i.indrelid = to_regclass(:t) ORDER BY ci.relname
"""
TRIGGERS = """
SELECT pg_get_triggerdef(oid) FROM pg_trigger
WHERE tgrelid = to_regclass(:t) AND NOT tgisinternal ORDER BY tgname
"""
SEQUENCES = """
SELECT s.oid::regclass::text, a.attname FROM pg_depend d
JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
WHERE d.refobjid = to_regclass(:t) AND d.classid = 'pg_class'::regclass AND d.deptype = 'a'
"""


def read_shape(connection: Connection, table: str) -> TableShape:
    """The constraints, indexes, triggers and owned sequences of ``table``."""
    shape = TableShape()
    params = {"t": table}
    for kind, name, definition, columns in connection.execute(text(CONSTRAINTS), params):
        if kind == "p":
            shape.primary_key = list(columns)
        elif kind == "u":
            shape.uniques.append(list(columns))
        else:
            shape.foreign_keys.append((name, definition))
    for name, definition, unique, of_constraint in connection.execute(text(INDEXES), params):
        shape.index_names.append(name)
        if of_constraint:
            continue
        if unique:
            raise ValueError(f"unique index {name} of {table}: make it a constraint first")
        shape.indexes.append(definition)
    shape.triggers = [row[0] for row in connection.execute(text(TRIGGERS), params)]
    shape.sequences = [(row[0], row[1]) for row in connection.execute(text(SEQUENCES), params)]
    return shape


def _name(*parts: str) -> str:
    return "_".join(parts)[:MAX_NAME]


def _move_aside(connection: Connection, table: str, shape: TableShape) -> str:
    """Rename the table and its indexes so the new table can take their names."""
    old = _name(table, "rebuild_old")
    connection.execute(
        text(f"ALTER TABLE {quote(connection, table)} RENAME TO {quote(connection, old)}")
    )
    for index in shape.index_names:
        renamed = quote(connection, _name(index[: MAX_NAME - 4], "old"))
        connection.execute(text(f"ALTER INDEX {quote(connection, index)} RENAME TO {renamed}"))
    return old


def _restore(connection: Connection, table: str, shape: TableShape, key: str, add: bool) -> None:
    """Put the shape back on the rebuilt ``table``, with or without the partition key."""
    q = quote(connection, table)

    def adjusted(columns: list[str]) -> list[str]:
        if add:
            return columns if key in columns else [*columns, key]
        return [c for c in columns if c != key] or columns

    if shape.primary_key:
        columns = ", ".join(quote(connection, c) for c in adjusted(shape.primary_key))
        pkey = quote(connection, _name(table, "pkey"))
        connection.execute(text(f"ALTER TABLE {q} ADD CONSTRAINT {pkey} PRIMARY KEY ({columns})"))
    for unique in shape.uniques:
        cols = adjusted(unique)
        name = _name("uq", table, *cols) if add else _name(table, *cols, "key")
        listed = ", ".join(quote(connection, c) for c in cols)
        connection.execute(
            text(f"ALTER TABLE {q} ADD CONSTRAINT {quote(connection, name)} UNIQUE ({listed})")
        )
    for statement in shape.indexes:
        connection.execute(text(statement))
    for name, definition in shape.foreign_keys:
        connection.execute(
            text(f"ALTER TABLE {q} ADD CONSTRAINT {quote(connection, name)} {definition}")
        )
    for statement in shape.triggers:
        connection.execute(text(statement))
    for sequence, column in shape.sequences:
        owner = f"{q}.{quote(connection, column)}"
        connection.execute(text(f"ALTER SEQUENCE {sequence} OWNED BY {owner}"))


def _create_like(connection: Connection, table: str, old: str, partition_by: str = "") -> None:
    """``table`` with the columns, defaults and checks of ``old`` (no rows, no indexes)."""
    like = "INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS"
    created = f"CREATE TABLE {quote(connection, table)} (LIKE {quote(connection, old)} {like})"
    connection.execute(text(f"{created} {partition_by}"))


def _copy(connection: Connection, source: str, target: str) -> int:
    q_source, q_target = quote(connection, source), quote(connection, target)
    result = connection.execute(text(f"INSERT INTO {q_target} SELECT * FROM {q_source}"))
    return int(result.rowcount)


def _first_period(
    connection: Connection, table: str, spec: PartitionKey, now: datetime
) -> datetime:
    """Start of the oldest partition to make: the interval of the oldest row at most
    :data:`HISTORY_INTERVALS` back (older rows, such as a device's clock reset to 1970,
    land in the default partition instead of calling for decades of empty partitions)."""
    current = floor(now, spec.interval)
    horizon = step(current, spec.interval, -HISTORY_INTERVALS)
    key = quote(connection, spec.column)
    oldest = connection.execute(
        text(f"SELECT min({key}) FROM {quote(connection, table)} WHERE {key} >= :horizon"),
        {"horizon": horizon},
    ).scalar()
    return current if oldest is None else min(floor(oldest, spec.interval), current)


def partition_table(
    connection: Connection, table: str, spec: PartitionKey, now: datetime, ahead: int = 3
) -> int:
    """Rebuild the plain ``table`` as partitioned by ``spec``; returns the rows kept."""
    shape = read_shape(connection, table)
    old = _move_aside(connection, table, shape)
    _create_like(connection, table, old, f"PARTITION BY RANGE ({quote(connection, spec.column)})")
    first = _first_period(connection, old, spec, now)
    last = step(floor(now, spec.interval), spec.interval, ahead)
    made = ensure_partitions(connection, table, spec, first, last)
    create_default_partition(connection, table)
    rows = _copy(connection, old, table)
    _restore(connection, table, shape, spec.column, add=True)
    connection.execute(text(f"DROP TABLE {quote(connection, old)}"))
    connection.execute(text(f"ANALYZE {quote(connection, table)}"))
    log.info("%s: %d rows into %d partitions + default", table, rows, len(made))
    return rows


def unpartition_table(connection: Connection, table: str, key: str) -> int:
    """Rebuild the partitioned ``table`` as one plain table (``key`` leaves its constraints)."""
    shape = read_shape(connection, table)
    old = _move_aside(connection, table, shape)
    _create_like(connection, table, old)
    rows = _copy(connection, old, table)
    _restore(connection, table, shape, key, add=False)
    connection.execute(text(f"DROP TABLE {quote(connection, old)}"))
    return rows
