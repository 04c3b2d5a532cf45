"""A PostGIS database of a test module's own, for tests that add and drop partitions.

The session's shared database (``postgis_store``) is emptied between tests but keeps its
partitions; tests that make partitions of other months, or migrate from an older
revision, take a scratch database instead, dropped when they are done.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session

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


def explained(
    store: Store, call: Callable[[Session], object], options: str = "FORMAT JSON"
) -> tuple[object, list[Any]]:
    """What ``call`` returns, and the JSON plan of each SELECT it sent, explained with its
    own parameters (``options``: e.g. ``ANALYZE, BUFFERS, FORMAT JSON``)."""
    sent: list[tuple[str, Any]] = []

    def catch(_conn: Any, _cursor: Any, statement: str, params: Any, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, params))

    event.listen(store.engine, "before_cursor_execute", catch)
    try:
        with store.session() as session:
            result = call(session)
    finally:
        event.remove(store.engine, "before_cursor_execute", catch)
    plans = []
    with store.engine.connect() as conn:
        for statement, params in sent:
            plan = conn.exec_driver_sql(f"EXPLAIN ({options}) {statement}", params).scalar()
            plans.append(plan if isinstance(plan, list) else json.loads(str(plan)))
    return result, plans


def relations(plan: Any) -> set[str]:
    """Every relation a JSON plan scans."""
    return plan_names(plan, "Relation Name")


def plan_names(plan: Any, key: str) -> set[str]:
    """Every value of ``key`` in the nodes of a JSON plan ("Relation Name", "Index Name")."""
    found: set[str] = set()
    if isinstance(plan, dict):
        if key in plan:
            found.add(str(plan[key]))
        for value in plan.values():
            found |= plan_names(value, key)
    elif isinstance(plan, list):
        for value in plan:
            found |= plan_names(value, key)
    return found


def blocks(plans: list[Any]) -> int:
    """Shared buffers (hit + read) that explained-with-ANALYZE plans used to execute."""
    total = 0
    for plan in plans:
        top = plan[0]["Plan"]
        total += int(top.get("Shared Hit Blocks", 0)) + int(top.get("Shared Read Blocks", 0))
    return total
