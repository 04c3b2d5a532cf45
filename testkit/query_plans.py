"""Reading PostgreSQL query plans: which relations a query touched and how many blocks,
for the partition-pruning tests and ``bench/partitions.py``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from ioc.store import Store


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
