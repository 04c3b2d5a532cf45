"""Routing: the unit a report's point falls in at the report's date, and its agency.

Old reports stay with the units of their time: a report of 2024 in Đà Lạt goes to the
city (a district), one of 2026 to its ward. A point in no unit below the province (between
approximate cells, or a few kilometres outside the outline) goes to the nearest unit and is
marked ``nearest``; only points truly outside get no unit. :class:`StoreLocator` asks the
store per point (``place_at``); :class:`TreeLocator` loads every unit once and answers many
points with an in-memory shapely STRtree per set of units valid together, for bulk imports.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
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
from ioc.store.units import (
    BORDER_TOLERANCE_KM,
    INSIDE_SEARCH_DEG,
    KM_PER_DEGREE,
    LEVEL_RANK,
    UnitRecord,
    place_at,
)


@dataclass(frozen=True)
class UnitInfo:
    """What routing needs of a unit."""

    code: str
    name: str
    level: str
    parent_code: str | None
    nearest: bool = False  # the point is in no unit: the nearest one was taken

    @classmethod
    def of(cls, unit: AdminUnit, nearest: bool = False) -> UnitInfo:
        return cls(unit.code, unit.name, unit.level, unit.parent_code, nearest)


class UnitLocator(Protocol):
    """Finds the most specific unit containing a point on a date."""

    def locate(self, lon: float, lat: float, at: date) -> UnitInfo | None: ...


@dataclass
class StoreLocator:
    """One store query per point (``ioc.store.units.place_at``): for a few reports at a time."""

    store: Store

    def locate(self, lon: float, lat: float, at: date) -> UnitInfo | None:
        placed = place_at(self.store, lon, lat, at)
        return None if placed is None else UnitInfo.of(placed.unit, placed.nearest)


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

    def __init__(self, units: Sequence[_Unit], tolerance_km: float = BORDER_TOLERANCE_KM) -> None:
        self._units = list(units)
        self._sets: dict[date, tuple[int, ...]] = {}
        self._trees: dict[tuple[int, ...], shapely.STRtree] = {}
        self._tolerance_deg = tolerance_km / KM_PER_DEGREE

    @classmethod
    def load(cls, session: Session) -> TreeLocator:
        rows = session.scalars(select(AdminUnit)).all()
        return cls([_Unit(UnitInfo.of(r), r.geom, r.valid_from, r.valid_to) for r in rows])

    @classmethod
    def of_records(cls, records: Sequence[UnitRecord]) -> TreeLocator:
        """A locator over units not (yet) stored, e.g. the shipped defaults."""
        return cls(
            [
                _Unit(
                    UnitInfo(r.code, r.name, r.level, r.parent_code),
                    r.geom,
                    r.valid_from,
                    r.valid_to,
                )
                for r in records
            ]
        )

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
                self._nearest_group(members, indexes, points, found)
        return found

    def _nearest_group(
        self,
        members: tuple[int, ...],
        indexes: list[int],
        points: Sequence[tuple[float, float, date]],
        found: list[UnitInfo | None],
    ) -> None:
        """Points in no unit below the province: the nearest such unit, when the point is
        inside the province or within the tolerance of it (see ``place_at``)."""
        lower = tuple(i for i in members if self._units[i].info.level != "province")
        missing = [i for i in indexes if _province_or_none(found[i])]
        if not lower or not missing:
            return
        rank = max(LEVEL_RANK.get(self._units[i].info.level, 0) for i in lower)
        lowest = tuple(i for i in lower if LEVEL_RANK.get(self._units[i].info.level, 0) == rank)
        tree = self._tree(lowest)
        for index in missing:
            limit = INSIDE_SEARCH_DEG if found[index] is not None else self._tolerance_deg
            point = shapely.Point(points[index][0], points[index][1])
            hits = tree.query_nearest(point, max_distance=limit, all_matches=False)
            if len(hits):
                info = self._units[lowest[int(hits[0])]].info
                found[index] = replace(info, nearest=True)

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


def _province_or_none(info: UnitInfo | None) -> bool:
    return info is None or info.level == "province"


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
