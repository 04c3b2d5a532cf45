"""How far official boundaries differ from the stored (approximate) units, before importing.

``ioc units compare FILE …`` reads a boundary file like ``ioc units import`` and, writing
nothing, reports per unit the share of its official area that the stored unit of the same
code covers, the areas and the shift of the centre, the province-wide area agreement, and
the citizen reports of that period whose point would land in another unit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.geography.cells import LocalPlane
from ioc.store.models import CitizenReport
from ioc.store.units import BORDER_TOLERANCE_KM, KM_PER_DEGREE, UnitRecord, units_valid_at
from ioc.timeutil import to_local


def area_agreement(
    approx: Mapping[str, shapely.Geometry], reference: Mapping[str, shapely.Geometry]
) -> float:
    """The share of the reference area lying in the approximate unit of the same code."""
    total = sum(geom.area for geom in reference.values())
    shared = sum(
        approx[code].intersection(geom).area for code, geom in reference.items() if code in approx
    )
    return shared / total if total else 0.0


@dataclass(frozen=True)
class UnitDifference:
    """One official unit against the stored unit of the same code (areas in km²)."""

    code: str
    name: str
    official_km2: float
    stored_km2: float
    shared: float  # share of the official area inside the stored unit
    centre_shift_km: float


@dataclass(frozen=True)
class MovedReport:
    """A stored report whose point lies in another unit under the official boundaries."""

    id: int
    day: date
    stored_unit: str | None
    official_unit: str | None


@dataclass(frozen=True)
class Comparison:
    """What importing the file would change."""

    agreement: float
    units: list[UnitDifference]
    missing: list[str]  # codes in the file with no stored unit
    extra: list[str]  # stored codes absent from the file
    checked_reports: int
    moved: list[MovedReport]


def compare_with_store(
    session: Session, records: Sequence[UnitRecord], valid_from: date, valid_to: date | None
) -> Comparison:
    """Compare ``records`` with the stored units of their level valid on ``valid_from``."""
    level = records[0].level
    stored = {u.code: u.geom for u in units_valid_at(session, valid_from, level)}
    official = {r.code: r.geom for r in records}
    centre = shapely.union_all(list(official.values())).centroid
    plane = LocalPlane(centre.x, centre.y)
    units = [_difference(r, stored.get(r.code), plane) for r in records]
    checked, moved = _moved_reports(session, records, set(stored), (valid_from, valid_to))
    return Comparison(
        agreement=area_agreement(stored, official),
        units=sorted(units, key=lambda u: u.shared),
        missing=sorted(set(official) - set(stored)),
        extra=sorted(set(stored) - set(official)),
        checked_reports=checked,
        moved=moved,
    )


def _difference(
    record: UnitRecord, stored: shapely.Geometry | None, plane: LocalPlane
) -> UnitDifference:
    official = plane.to_km_geometry(record.geom)
    if stored is None:
        return UnitDifference(record.code, record.name, official.area, 0.0, 0.0, float("nan"))
    mine = plane.to_km_geometry(stored)
    shared = official.intersection(mine).area / official.area if official.area else 0.0
    shift = official.centroid.distance(mine.centroid)
    return UnitDifference(record.code, record.name, official.area, mine.area, shared, shift)


def _moved_reports(
    session: Session,
    records: Sequence[UnitRecord],
    stored_codes: set[str],
    period: tuple[date, date | None],
) -> tuple[int, list[MovedReport]]:
    """Reports of the period routed to a stored unit of this level, and those that would
    land elsewhere (or nowhere) under the official units."""
    rows = session.execute(
        select(CitizenReport.id, CitizenReport.lon, CitizenReport.lat, CitizenReport.created_at,
               CitizenReport.unit_code)
        .where(CitizenReport.unit_code.in_(sorted(stored_codes)))
        .order_by(CitizenReport.id)
    ).all()  # fmt: skip
    start, end = period
    dated = [(r, to_local(r.created_at).date()) for r in rows]
    inside = [(r, day) for r, day in dated if start <= day and (end is None or day <= end)]
    found = _official_units(records, [(r.lon, r.lat) for r, _ in inside])
    moved = [
        MovedReport(r.id, day, r.unit_code, code)
        for (r, day), code in zip(inside, found, strict=True)
        if code != r.unit_code
    ]
    return len(inside), moved


def _official_units(
    records: Sequence[UnitRecord], points: Sequence[tuple[float, float]]
) -> list[str | None]:
    """The official unit of each point: the one containing it, else the nearest within
    the border tolerance (as report routing does), else None."""
    tree = shapely.STRtree([r.geom for r in records])
    geoms = shapely.points([list(p) for p in points]) if points else []
    found: list[str | None] = [None] * len(points)
    if len(points):
        for point, hit in zip(*tree.query(geoms, predicate="covered_by").tolist(), strict=True):
            found[point] = records[hit].code
    for index, code in enumerate(found):
        if code is None:
            hits = tree.query_nearest(
                geoms[index], max_distance=BORDER_TOLERANCE_KM / KM_PER_DEGREE, all_matches=False
            )
            found[index] = records[int(hits[0])].code if len(hits) else None
    return found


def print_comparison(comparison: Comparison, show: int) -> None:
    """The comparison as text for the shell (Vietnamese / English)."""
    print(
        f"Diện tích trùng khớp / area agreement: {comparison.agreement:.1%} "
        f"({len(comparison.units)} đơn vị / units in the file)"
    )
    if comparison.missing:
        print(f"Chưa có trong CSDL / not stored yet: {', '.join(comparison.missing)}")
    if comparison.extra:
        print(f"Không có trong tệp / stored but not in the file: {', '.join(comparison.extra)}")
    print(
        f"{'code':>6}  {'trùng/shared':>12}  {'km² file':>9}  {'km² stored':>10}  {'Δ km':>5}  name"
    )
    for unit in comparison.units[:show]:
        print(
            f"{unit.code:>6}  {unit.shared:>12.1%}  {unit.official_km2:>9.1f}  "
            f"{unit.stored_km2:>10.1f}  {unit.centre_shift_km:>5.1f}  {unit.name}"
        )
    moved = comparison.moved
    print(
        f"Phản ánh sẽ đổi đơn vị / reports that would move: {len(moved)} of "
        f"{comparison.checked_reports}"
    )
    for report in moved[:show]:
        print(f"  #{report.id} {report.day}: {report.stored_unit} → {report.official_unit or '—'}")
