"""The units a unit-bound principal may see: the unit, its children, and its successors.

Lâm Đồng's units changed on 1 July 2025: districts were dissolved and communes merged, so
a unit of the closed era (say the former city of Đà Lạt, 672) has no children among the
units valid today. Things are stamped with the unit valid when they happened, so an Đà Lạt
operator must also see today's wards that lie in the former city: those are the units of
the open era whose centre falls inside the closed unit's boundary.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from threading import Lock

import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.store.models import AdminUnit

CACHE_SECONDS = 300.0

_cache: dict[tuple[str, str], tuple[float, frozenset[str]]] = {}  # (database, code)
_lock = Lock()


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


def successors(units: Iterable[AdminUnit], code: str) -> set[str]:
    """Open-era units whose centre lies inside the closed unit ``code``, and the one that
    holds most of it (a commune merged into a ward whose centre lies in another of its
    communes); empty if ``code`` is open."""
    rows = list(units)
    closed = [u for u in rows if u.code == code and u.valid_to is not None]
    if not closed or any(u.code == code and u.valid_to is None for u in rows):
        return set()
    areas = [u.geom for u in closed if u.geom is not None]
    if not areas:
        return set()
    area = shapely.union_all(areas)
    open_units = [u for u in rows if u.valid_to is None and u.level != "province"]
    found = {u.code for u in open_units if area.covers(shapely.Point(u.center_lon, u.center_lat))}
    for unit in open_units:
        if unit.geom is not None and unit.geom.intersection(area).area > area.area / 2:
            found.add(unit.code)
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
    now = time.monotonic()
    key = (str(session.get_bind().engine.url), code)
    with _lock:
        hit = _cache.get(key)
        if hit is not None and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    scope = compute_scope(session.scalars(select(AdminUnit)).all(), code)
    with _lock:
        _cache[key] = (now, scope)
    return scope


def forget_scopes() -> None:
    """Drop cached scopes (after ``ioc units import`` replaced the units)."""
    with _lock:
        _cache.clear()
