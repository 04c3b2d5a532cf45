"""The units a unit-bound principal may see: the unit, its children, and its successors.

Lâm Đồng's units changed on 1 July 2025: districts were dissolved and communes merged, so
a unit of the closed era (say the former city of Đà Lạt, 672) has no children among the
units valid today. Things are stamped with the unit valid when they happened, so an Đà Lạt
operator must also see today's wards that lie in the former city: those are the units of
the open era whose centre falls inside the closed unit's boundary.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc import cache
from ioc.store.models import AdminUnit
from ioc.store.units import successors

CACHE_SECONDS = 300.0
SCOPES: cache.Cache[frozenset[str]] = cache.register(
    "auth.unit_scopes",
    holds="the unit codes a unit-bound principal may see, by database and unit code",
    stale_when="units imported or replaced (emptied at once in the importing process; "
    "other processes see the new units within the TTL)",
    ttl_s=CACHE_SECONDS,
    limit=4096,
    events=("units",),
)


def descendants(units: Iterable[AdminUnit], code: str) -> set[str]:
    """``code`` and every unit below it by ``parent_code``, in every era."""
    children: dict[str, set[str]] = {}
    for unit in units:
        if unit.parent_code:
            children.setdefault(unit.parent_code, set()).add(unit.code)
    found = {code}
    todo = [code]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def compute_scope(units: Iterable[AdminUnit], code: str) -> frozenset[str]:
    """The codes visible to a principal bound to ``code`` (pure; made-up data in tests)."""
    rows = list(units)
    found = descendants(rows, code)
    for successor in successors(rows, code):
        found |= descendants(rows, successor)
    return frozenset(found)


def unit_scope(session: Session, code: str) -> frozenset[str]:
    """:func:`compute_scope` over the store's units, cached for a few minutes per database
    (one process may serve several stores: tests, a second app)."""
    key = (str(session.get_bind().engine.url), code)
    return SCOPES.get_or_put(
        key, lambda: compute_scope(session.scalars(select(AdminUnit)).all(), code)
    )
