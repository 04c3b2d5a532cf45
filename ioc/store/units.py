"""Administrative units in the store: insert a set of units, find units at a date or point."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import shapely
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from ioc.store import Store
from ioc.store.backends import backend_for, valid_at
from ioc.store.models import AdminUnit

LEVEL_RANK = {"province": 0, "district": 1, "commune": 2}
# A point this close to the province (its polygon of the date) still gets the nearest unit:
# approximate outlines miss the real border by up to about 5 km (docs/geography.md).
BORDER_TOLERANCE_KM = 6.0
KM_PER_DEGREE = 111.0
# Inside the province a point in no lower unit (a gap between imported polygons) takes the
# nearest one wherever it is; this only bounds the search.
INSIDE_SEARCH_DEG = 1.0


@dataclass(frozen=True)
class UnitRecord:
    """One administrative unit ready to store: polygons in WGS84, validity dates inclusive."""

    code: str
    name: str
    level: str
    geom: shapely.MultiPolygon
    valid_from: date
    valid_to: date | None = None
    unit_type: str = ""
    parent_code: str | None = None
    approximate: bool = False
    source: str = ""

    def to_row(self) -> AdminUnit:
        minx, miny, maxx, maxy = self.geom.bounds
        centre = self.geom.representative_point()
        return AdminUnit(
            code=self.code,
            name=self.name,
            level=self.level,
            unit_type=self.unit_type,
            parent_code=self.parent_code,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            center_lon=centre.x,
            center_lat=centre.y,
            min_lon=minx,
            min_lat=miny,
            max_lon=maxx,
            max_lat=maxy,
            approximate=self.approximate,
            source=self.source,
            geom=self.geom,
        )


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


def _valid_on(unit: AdminUnit, day: date) -> bool:
    return unit.valid_from <= day and (unit.valid_to is None or unit.valid_to >= day)


def current_area(units: Iterable[AdminUnit], codes: Iterable[str], day: date) -> frozenset[str]:
    """The most detailed units valid on ``day`` that an area of ``codes`` (any era) covers.

    A current ward or commune is itself; a province or an open district, the current units
    below it; a closed unit (a district before 1 July 2025, a merged commune), the current
    units whose centre lies inside it (:func:`successors`). Unknown codes cover nothing.
    """
    rows = list(units)
    current = [u for u in rows if _valid_on(u, day) and u.level != "province"]
    codes_now = {u.code for u in current}
    found: set[str] = set()
    for code in codes:
        found |= {c for c in descendants(rows, code) if c in codes_now}
        for heir in successors(rows, code):
            found |= {c for c in descendants(rows, heir) if c in codes_now}
    deepest = {u.code for u in current if not any(c.parent_code == u.code for c in current)}
    return frozenset(found & deepest)


IOC_PREFIX = "ioc:"


def ioc_key(code: str) -> str:
    """How an IOC is named where a unit code is expected (``ioc:IOC-672``): its scope is
    its area's (:func:`ioc.auth.scope.unit_scope`), its KPI area ``area:ioc:IOC-672``."""
    return IOC_PREFIX + code


def ioc_code_of(key: str | None) -> str | None:
    """The IOC code of an ``ioc:`` key; None for a unit code."""
    if key is None or not key.startswith(IOC_PREFIX):
        return None
    return key[len(IOC_PREFIX) :]


def insert_units(session: Session, records: Iterable[UnitRecord], replace: bool = True) -> int:
    """Store units; with ``replace`` an existing (code, valid_from) row is replaced."""
    count = 0
    for record in records:
        if replace:
            session.execute(
                delete(AdminUnit).where(
                    AdminUnit.code == record.code, AdminUnit.valid_from == record.valid_from
                )
            )
        session.add(record.to_row())
        count += 1
    session.flush()
    return count


def unit_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AdminUnit)) or 0)


def units_valid_at(session: Session, at: date, level: str | None = None) -> Sequence[AdminUnit]:
    """Units valid on ``at`` (optionally of one level), ordered by code."""
    query = valid_at(at)
    if level is not None:
        query = query.where(AdminUnit.level == level)
    return session.scalars(query.order_by(AdminUnit.code)).all()


def units_valid_during(session: Session, first: date, last: date) -> Sequence[AdminUnit]:
    """Units valid on at least one day of ``first``..``last``, oldest first (so a code's
    latest name comes last)."""
    query = select(AdminUnit).where(
        AdminUnit.valid_from <= last,
        or_(AdminUnit.valid_to.is_(None), AdminUnit.valid_to >= first),
    )
    return session.scalars(query.order_by(AdminUnit.valid_from, AdminUnit.code)).all()


def unit_at(store: Store, lon: float, lat: float, at: date) -> AdminUnit | None:
    """The most specific unit valid at ``at`` that contains the point, or None."""
    with store.session() as session:
        units = store.backend.units_containing(session, lon, lat, at)
        if not units:
            return None
        return max(units, key=lambda unit: LEVEL_RANK.get(unit.level, 0))


@dataclass(frozen=True)
class Placement:
    """The unit a point is given; ``nearest`` when no unit below the province contains it
    (between approximate cells, or just outside the outline) and the nearest one was taken."""

    unit: AdminUnit
    nearest: bool = False


def place_at(
    store: Store, lon: float, lat: float, at: date, tolerance_km: float = BORDER_TOLERANCE_KM
) -> Placement | None:
    """The unit for a point on a date: the most specific one containing it, else the
    nearest unit below the province when the point is inside the province or within
    ``tolerance_km`` of it, else (only a province stored) the province; None outside."""
    with store.session() as session:
        return place_in(session, lon, lat, at, tolerance_km)


def place_in(
    session: Session, lon: float, lat: float, at: date, tolerance_km: float = BORDER_TOLERANCE_KM
) -> Placement | None:
    """:func:`place_at` inside the caller's session (its backend read from the session)."""
    backend = backend_for(session.get_bind().dialect.name)
    units = backend.units_containing(session, lon, lat, at)
    best = max(units, key=lambda unit: LEVEL_RANK.get(unit.level, 0), default=None)
    if best is not None and best.level != "province":
        return Placement(best)
    radius = INSIDE_SEARCH_DEG if best is not None else tolerance_km / KM_PER_DEGREE
    near = backend.units_near(session, lon, lat, at, radius)
    if near:
        return Placement(_most_specific_nearest(near), nearest=True)
    return None if best is None else Placement(best)


def _most_specific_nearest(near: Sequence[AdminUnit]) -> AdminUnit:
    """Of units sorted nearest first, the nearest of the most specific level present."""
    rank = max(LEVEL_RANK.get(unit.level, 0) for unit in near)
    return next(unit for unit in near if LEVEL_RANK.get(unit.level, 0) == rank)
