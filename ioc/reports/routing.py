"""Routing: the unit a report's point falls in at the report's date, and its agency.

Old reports stay with the units of their time: a report of 2024 in Đà Lạt goes to the
city (a district), one of 2026 to its ward. :class:`StoreLocator` asks the store per point
(``unit_at``); :class:`TreeLocator` loads every unit once and answers many points with an
in-memory shapely STRtree per set of units valid together, for bulk imports.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import numpy as np
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.reports.categories import Category
from ioc.store import Store
from ioc.store.models import AdminUnit
from ioc.store.models_reports import ReportAgency
from ioc.store.units import LEVEL_RANK, unit_at


@dataclass(frozen=True)
class UnitInfo:
    """What routing needs of a unit."""

    code: str
    name: str
    level: str
    parent_code: str | None

    @classmethod
    def of(cls, unit: AdminUnit) -> UnitInfo:
        return cls(unit.code, unit.name, unit.level, unit.parent_code)


class UnitLocator(Protocol):
    """Finds the most specific unit containing a point on a date."""

    def locate(self, lon: float, lat: float, at: date) -> UnitInfo | None: ...


@dataclass
class StoreLocator:
    """One store query per point (``ioc.store.units.unit_at``): for a few reports at a time."""

    store: Store

    def locate(self, lon: float, lat: float, at: date) -> UnitInfo | None:
        unit = unit_at(self.store, lon, lat, at)
        return None if unit is None else UnitInfo.of(unit)


@dataclass(frozen=True)
class _Unit:
    info: UnitInfo
    geom: shapely.Geometry
    valid_from: date
    valid_to: date | None

    def valid(self, at: date) -> bool:
        return self.valid_from <= at and (self.valid_to is None or at <= self.valid_to)


class TreeLocator:
    """Every unit in memory; one STRtree per set of units valid on the same dates."""

    def __init__(self, units: Sequence[_Unit]) -> None:
        self._units = list(units)
        self._sets: dict[date, tuple[int, ...]] = {}
        self._trees: dict[tuple[int, ...], shapely.STRtree] = {}

    @classmethod
    def load(cls, session: Session) -> TreeLocator:
        rows = session.scalars(select(AdminUnit)).all()
        return cls([_Unit(UnitInfo.of(r), r.geom, r.valid_from, r.valid_to) for r in rows])

    def _valid_set(self, at: date) -> tuple[int, ...]:
        if at not in self._sets:
            self._sets[at] = tuple(i for i, u in enumerate(self._units) if u.valid(at))
        return self._sets[at]

    def _tree(self, members: tuple[int, ...]) -> shapely.STRtree:
        if members not in self._trees:
            self._trees[members] = shapely.STRtree([self._units[i].geom for i in members])
        return self._trees[members]

    def locate(self, lon: float, lat: float, at: date) -> UnitInfo | None:
        return self.locate_many([(lon, lat, at)])[0]

    def locate_many(self, points: Sequence[tuple[float, float, date]]) -> list[UnitInfo | None]:
        """The most specific unit of each ``(lon, lat, date)``, None outside every unit."""
        groups: dict[tuple[int, ...], list[int]] = defaultdict(list)
        for index, (_lon, _lat, at) in enumerate(points):
            groups[self._valid_set(at)].append(index)
        found: list[UnitInfo | None] = [None] * len(points)
        for members, indexes in groups.items():
            if members:
                self._locate_group(members, indexes, points, found)
        return found

    def _locate_group(
        self,
        members: tuple[int, ...],
        indexes: list[int],
        points: Sequence[tuple[float, float, date]],
        found: list[UnitInfo | None],
    ) -> None:
        coords = np.array([(points[i][0], points[i][1]) for i in indexes], dtype=float)
        geoms = shapely.points(coords)
        inputs, hits = self._tree(members).query(geoms, predicate="covered_by")
        best_rank: dict[int, int] = {}
        for local, hit in zip(inputs.tolist(), hits.tolist(), strict=True):
            info = self._units[members[hit]].info
            rank = LEVEL_RANK.get(info.level, 0)
            if rank >= best_rank.get(local, -1):
                best_rank[local] = rank
                found[indexes[local]] = info


def agency_overrides(session: Session) -> dict[tuple[str, str], str]:
    """Agencies named per (unit code, service code) in the ``report_agencies`` table."""
    rows = session.execute(
        select(ReportAgency.unit_code, ReportAgency.service_code, ReportAgency.name)
    ).all()
    return {(unit, code): name for unit, code, name in rows}


def agency_for(
    category: Category,
    unit: UnitInfo | None,
    overrides: Mapping[tuple[str, str], str],
) -> str:
    """The agency answering ``category`` in ``unit``: an override, else the category's
    agency completed with the unit's name (e.g. "Công an Phường Xuân Hương - Đà Lạt")."""
    if unit is None:
        return category.agency_vi
    named = overrides.get((unit.code, category.code))
    return named if named else f"{category.agency_vi} {unit.name}"
