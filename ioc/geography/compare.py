"""How far official boundaries differ from the stored (approximate) units, before importing.

``ioc units compare FILE …`` reads a boundary file like ``ioc units import`` and, writing
nothing, reports per unit the share of its official area that the stored unit of the same
code covers, the areas and the shift of the centre, the province-wide area agreement, and
the citizen reports of that period whose point would land in another unit.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.geography.cells import LocalPlane
from ioc.geography.importer import read_units_geojson
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
        select(
            CitizenReport.id,
            CitizenReport.lon,
            CitizenReport.lat,
            CitizenReport.created_at,
            CitizenReport.unit_code,
        )
        .where(CitizenReport.unit_code.in_(sorted(stored_codes)))
        .order_by(CitizenReport.id)
    ).all()
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


@dataclass(frozen=True)
class ReferenceFigures:
    """How default units measure against reference boundary files (docs/geography.md)."""

    ward_agreement: float
    district_agreement: float
    ward_area_ratios: tuple[float, ...]  # approximate / reference area, per ward
    centres_total: int
    wrong_centres: tuple[str, ...]
    points: int  # grid points inside the reference province (both eras)
    points_without_unit: int
    points_nearest: int  # placed by the nearest-unit rule


Locate = Callable[[Sequence[tuple[float, float, date]]], Sequence[Any]]


def reference_figures(
    units: Sequence[UnitRecord],
    wards: Sequence[UnitRecord],
    districts: Sequence[UnitRecord],
    locate_many: Locate,
    *,
    days: tuple[date, date],
    published_centres: Mapping[str, shapely.Point],
) -> ReferenceFigures:
    """Measure ``units`` against reference wards (valid on ``days[1]``) and districts
    (``days[0]``); ``locate_many`` is the report router's (points → unit or None)."""
    step_deg = 0.02
    old_day, new_day = days
    mine_new = {u.code: u.geom for u in _valid_on(units, new_day) if u.level == "commune"}
    mine_old = {u.code: u.geom for u in _valid_on(units, old_day) if u.level == "district"}
    reference = {w.code: w.geom for w in wards}
    centres = [(w.code, _centre(w, published_centres.get(w.code))) for w in wards]
    placed = locate_many([(p.x, p.y, new_day) for _, p in centres])
    wrong = tuple(
        code
        for (code, _), unit in zip(centres, placed, strict=True)
        if unit is None or unit.code != code
    )
    points = [(x, y, new_day) for x, y in _grid(reference.values(), step_deg)]
    points += [(x, y, old_day) for x, y in _grid([d.geom for d in districts], step_deg)]
    found = locate_many(points)
    return ReferenceFigures(
        ward_agreement=area_agreement(mine_new, reference),
        district_agreement=area_agreement(mine_old, {d.code: d.geom for d in districts}),
        ward_area_ratios=tuple(mine_new[c].area / g.area for c, g in reference.items()),
        centres_total=len(centres),
        wrong_centres=wrong,
        points=len(points),
        points_without_unit=sum(1 for unit in found if unit is None),
        points_nearest=sum(1 for unit in found if unit is not None and unit.nearest),
    )


WARDS_FILE = "lamdong_wards_2025.geojson"
DISTRICTS_FILE = "lamdong_districts.geojson"
REFERENCE_DAYS = (date(2024, 11, 30), date(2025, 7, 1))


def measure_reference(
    data: Path, units: Sequence[UnitRecord], locator_of: Callable[[Sequence[UnitRecord]], Any]
) -> ReferenceFigures:
    """The figures of docs/geography.md: ``units`` against the reference files in ``data``
    (``lamdong_wards_2025.geojson`` with published centres, ``lamdong_districts.geojson``);
    ``locator_of`` builds the report router over ``units`` (``TreeLocator.of_records``)."""
    old_day, new_day = REFERENCE_DAYS
    wards = read_units_geojson(data / WARDS_FILE, "commune", new_day)
    districts = read_units_geojson(data / DISTRICTS_FILE, "district", old_day)
    features = json.loads((data / WARDS_FILE).read_text(encoding="utf-8"))["features"]
    centres = {
        str(f["properties"]["code"]): shapely.Point(
            f["properties"]["center_lon"], f["properties"]["center_lat"]
        )
        for f in features
    }
    return reference_figures(
        units,
        wards,
        districts,
        locator_of(units).locate_many,
        days=REFERENCE_DAYS,
        published_centres=centres,
    )


def _valid_on(units: Sequence[UnitRecord], day: date) -> list[UnitRecord]:
    return [u for u in units if u.valid_from <= day and (u.valid_to is None or day <= u.valid_to)]


def _centre(ward: UnitRecord, published: shapely.Point | None) -> shapely.Point:
    """The published centre when it lies in the ward's own polygon, else a point that does
    (Phú Quý's published centre is at sea)."""
    if published is not None and ward.geom.covers(published):
        return published
    return ward.geom.representative_point()


def _grid(geoms: Iterable[shapely.Geometry], step: float) -> list[tuple[float, float]]:
    """Points every ``step`` degrees inside the union of ``geoms``."""
    area = shapely.union_all(list(geoms))
    minx, miny, maxx, maxy = area.bounds
    xs, ys = np.meshgrid(np.arange(minx, maxx, step), np.arange(miny, maxy, step))
    x, y = xs.ravel(), ys.ravel()
    inside = shapely.contains_xy(area, x, y)
    return list(zip(x[inside].tolist(), y[inside].tolist(), strict=True))
