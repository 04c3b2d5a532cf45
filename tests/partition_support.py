"""A PostGIS database of a test module's own, for tests that add and drop partitions.

The session's shared database (``postgis_store``) is emptied between tests but keeps its
partitions; tests that make partitions of other months, or migrate from an older
revision, take a scratch database instead, dropped when they are done.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ioc.store import Store, open_store
from ioc.store.migrate import upgrade
from ioc.store.partitions import partitions
from tests.conftest import pg_server_url, port_open, unavailable


@contextmanager
def scratch_store(revision: str = "heads") -> Iterator[Store]:
    """A new PostGIS database migrated to ``revision``; dropped afterwards."""
    server = make_url(pg_server_url())
    if not port_open(server.host or "127.0.0.1", server.port or 5432):
        unavailable(f"PostgreSQL not reachable at {server.host}:{server.port}")
    name = f"ioc_part_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    store = open_store(server.set(database=name).render_as_string(hide_password=False))
    try:
        upgrade(store, revision)
        yield store
    finally:
        store.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def partition_names(store: Store, table: str) -> list[str]:
    with store.engine.connect() as conn:
        return [p.name for p in partitions(conn, table)]


def rows_by_partition(store: Store, table: str) -> dict[str, int]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            text(f"SELECT tableoid::regclass::text, count(*) FROM {table} GROUP BY 1")
        ).all()
    return {name: int(count) for name, count in rows}


def month(year: int, number: int, day: int = 15) -> datetime:
    """Noon UTC of a day (the 15th) of a month."""
    return datetime(year, number, day, 12, tzinfo=UTC)
