"""A PostGIS database of a test module's own, for tests that add and drop partitions.

The session's shared database (``postgis_store``) is emptied between tests but keeps its
partitions; tests that make partitions of other months, or migrate from an older
revision, take a scratch database instead, dropped when they are done.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import text

from ioc.store import Store, open_store
from ioc.store.migrate import upgrade
from ioc.store.partitions import partitions
from tests.conftest import scratch_database


@contextmanager
def scratch_store(revision: str = "heads") -> Iterator[Store]:
    """A new PostGIS database migrated to ``revision``; dropped afterwards."""
    with scratch_database("ioc_part") as url:
        store = open_store(url.render_as_string(hide_password=False))
        try:
            upgrade(store, revision)
            yield store
        finally:
            store.dispose()


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
