"""Administrative units in the store: insert a set of units, find units at a date or point."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import shapely
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ioc.store import Store
from ioc.store.backends import valid_at
from ioc.store.models import AdminUnit

LEVEL_RANK = {"province": 0, "district": 1, "commune": 2}


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


def unit_at(store: Store, lon: float, lat: float, at: date) -> AdminUnit | None:
    """The most specific unit valid at ``at`` that contains the point, or None."""
    with store.session() as session:
        units = store.backend.units_containing(session, lon, lat, at)
        if not units:
            return None
        return max(units, key=lambda unit: LEVEL_RANK.get(unit.level, 0))
