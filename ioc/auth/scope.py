"""The units a unit-bound principal may see: the unit, its children, and its successors.

Lâm Đồng's units changed on 1 July 2025: districts were dissolved and communes merged, so
a unit of the closed era (say the former city of Đà Lạt, 672) has no children among the
units valid today. Things are stamped with the unit valid when they happened, so an Đà Lạt
operator must also see today's wards that lie in the former city: those are the units of
the open era whose centre falls inside the closed unit's boundary.

An operations centre (IOC) is named by its key ``ioc:<code>`` wherever a unit code is
expected: its scope is the union of the scopes of the unit codes of its area
(``ioc_area_units``), so an operator or a kiosk bound to an IOC sees exactly its area, and
the pages' feeds read an IOC's data the way they read one unit's.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import date
from threading import Lock

import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.store.models import AdminUnit, IocAreaUnit, IocUnit

CACHE_SECONDS = 300.0
IOC_PREFIX = "ioc:"

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
    """Open-era units whose centre lies inside the closed unit ``code`` (empty if open)."""
    rows = list(units)
    closed = [u for u in rows if u.code == code and u.valid_to is not None]
    if not closed or any(u.code == code and u.valid_to is None for u in rows):
        return set()
    areas = [u.geom for u in closed if u.geom is not None]
    if not areas:
        return set()
    area = shapely.union_all(areas)
    return {
        u.code
        for u in rows
        if u.valid_to is None
        and u.level != "province"
        and area.covers(shapely.Point(u.center_lon, u.center_lat))
    }


def compute_scope(units: Iterable[AdminUnit], code: str) -> frozenset[str]:
    """The codes visible to a principal bound to ``code`` (pure; made-up data in tests)."""
    rows = list(units)
    found = descendants(rows, code)
    for successor in successors(rows, code):
        found |= descendants(rows, successor)
    return frozenset(found)


def ioc_key(code: str) -> str:
    """How an IOC is named where a unit code is expected (``ioc:IOC-672``)."""
    return IOC_PREFIX + code


def ioc_code_of(key: str | None) -> str | None:
    """The IOC code of an ``ioc:`` key; None for a unit code."""
    if key is None or not key.startswith(IOC_PREFIX):
        return None
    return key[len(IOC_PREFIX) :]


def area_scope(units: Iterable[AdminUnit], codes: Iterable[str]) -> frozenset[str]:
    """The codes visible to a principal bound to an area of several units (pure)."""
    rows = list(units)
    found: set[str] = set()
    for code in codes:
        found |= compute_scope(rows, code)
    return frozenset(found)


def _valid_on(unit: AdminUnit, day: date) -> bool:
    return unit.valid_from <= day and (unit.valid_to is None or unit.valid_to >= day)


def current_area(units: Iterable[AdminUnit], codes: Iterable[str], day: date) -> frozenset[str]:
    """The units valid on ``day`` an area of ``codes`` (any era) covers (pure).

    A current ward or commune is itself; a province or an open district, the current units
    below it; a closed unit (a district before 1 July 2025, a merged commune), the current
    units whose centre lies inside it. Unknown codes cover nothing.
    """
    rows = list(units)
    current = [u for u in rows if _valid_on(u, day) and u.level != "province"]
    codes_now = {u.code for u in current}
    found: set[str] = set()
    for code in codes:
        below = descendants(rows, code)
        found |= {c for c in below if c in codes_now}
        for heir in successors(rows, code):
            found |= {c for c in descendants(rows, heir) if c in codes_now}
    deepest = {u.code for u in current if not any(c.parent_code == u.code for c in current)}
    return frozenset(found & deepest)


def unit_scope(session: Session, code: str) -> frozenset[str]:
    """:func:`compute_scope` over the store's units (for an ``ioc:`` key, :func:`area_scope`
    of its area), cached for a few minutes per database (one process may serve several
    stores: tests, a second app)."""
    now = time.monotonic()
    key = (str(session.get_bind().engine.url), code)
    with _lock:
        hit = _cache.get(key)
        if hit is not None and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    units = session.scalars(select(AdminUnit)).all()
    ioc = ioc_code_of(code)
    if ioc is None:
        scope = compute_scope(units, code)
    else:
        area = session.scalars(select(IocAreaUnit.unit_code).where(IocAreaUnit.ioc_code == ioc))
        codes = (
            area.all()
            or session.scalars(  # no area entered: the IOC's own unit
                select(IocUnit.admin_unit_code).where(IocUnit.code == ioc)
            ).all()
        )
        scope = area_scope(units, codes)
    with _lock:
        _cache[key] = (now, scope)
    return scope


def forget_scopes() -> None:
    """Drop cached scopes (after ``ioc units import`` replaced the units, or ``ioc iocs
    import`` changed an IOC's area)."""
    with _lock:
        _cache.clear()
