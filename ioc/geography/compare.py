"""How far official boundaries differ from the stored (approximate) units, before importing.

``ioc units compare FILE …`` reads a boundary file like ``ioc units import`` and, writing
nothing, reports per unit the share of its official area that the stored unit of the same
code covers, the areas and the shift of the centre, the province-wide area agreement, and
every kind of located record (citizen reports, incidents, cameras, sensor stations) whose
point would land in another unit, per kind, with counts and examples.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ioc.geography.cells import LocalPlane
from ioc.geography.importer import read_units_geojson
from ioc.store.models import Camera, CitizenReport, Incident, SensorReading
from ioc.store.units import BORDER_TOLERANCE_KM, KM_PER_DEGREE, UnitRecord, units_valid_at
from ioc.timeutil import LOCAL_TZ, to_local, utcnow


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
class MovedRecord:
    """A stored located record whose point lies in another unit under the official
    boundaries (``official_unit`` None: in none of them, even within the border tolerance)."""

    kind: str
    id: str
    day: date | None
    stored_unit: str | None
    official_unit: str | None


@dataclass(frozen=True)
class KindMoves:
    """The records of one kind checked against the official units, and those that move."""

    kind: str
    checked: int
    moved: list[MovedRecord]


@dataclass(frozen=True)
class Comparison:
    """What importing the file would change."""

    agreement: float
    units: list[UnitDifference]
    missing: list[str]  # codes in the file with no stored unit
    extra: list[str]  # stored codes absent from the file
    records: list[KindMoves]  # per kind of located record, in RECORD_KINDS order

    def kind(self, name: str) -> KindMoves:
        return next(k for k in self.records if k.kind == name)


def compare_with_store(
    session: Session,
    records: Sequence[UnitRecord],
    valid_from: date,
    valid_to: date | None,
    today: date | None = None,
) -> Comparison:
    """Compare ``records`` with the stored units of their level valid on ``valid_from``.

    Every kind of located record is checked: citizen reports and incidents of the period
    and the cameras (their present position, when the period includes ``today``) routed to
    a stored unit of this level, and the sensor stations that sent readings in the period
    (they carry no unit: theirs is the stored unit their point falls in, by the same rule).
    """
    level = records[0].level
    stored_rows = units_valid_at(session, valid_from, level)
    stored = {u.code: u.geom for u in stored_rows}
    official = {r.code: r.geom for r in records}
    centre = shapely.union_all(list(official.values())).centroid
    plane = LocalPlane(centre.x, centre.y)
    units = [_difference(r, stored.get(r.code), plane) for r in records]
    period = (valid_from, valid_to)
    located = _located_records(session, set(stored), period, today or to_local(utcnow()).date())
    located["station"] = _stations(session, stored, period)
    return Comparison(
        agreement=area_agreement(stored, official),
        units=sorted(units, key=lambda u: u.shared),
        missing=sorted(set(official) - set(stored)),
        extra=sorted(set(stored) - set(official)),
        records=[_moves(kind, located[kind], official) for kind in RECORD_KINDS],
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


RECORD_KINDS = ("report", "incident", "camera", "station")
KIND_NAMES = {
    "report": "Phản ánh / citizen reports",
    "incident": "Sự cố / incidents",
    "camera": "Camera / cameras",
    "station": "Trạm quan trắc / sensor stations",
}


@dataclass(frozen=True)
class _Located:
    """One located record: its id, day (None: a present position), point and unit."""

    id: str
    day: date | None
    lon: float
    lat: float
    unit: str | None


def _in_period(day: date, period: tuple[date, date | None]) -> bool:
    start, end = period
    return start <= day and (end is None or day <= end)


def _located_records(
    session: Session, codes: set[str], period: tuple[date, date | None], today: date
) -> dict[str, list[_Located]]:
    """Reports and incidents of the period and cameras (now) routed to one of ``codes``."""
    wanted = sorted(codes)
    reports = session.execute(
        select(
            CitizenReport.id,
            CitizenReport.lon,
            CitizenReport.lat,
            CitizenReport.created_at,
            CitizenReport.unit_code,
        )
        .where(CitizenReport.unit_code.in_(wanted))
        .order_by(CitizenReport.id)
    ).all()
    incidents = session.execute(
        select(Incident.id, Incident.lon, Incident.lat, Incident.opened_at, Incident.unit_code)
        .where(Incident.unit_code.in_(wanted), Incident.lon.is_not(None), Incident.lat.is_not(None))
        .order_by(Incident.id)
    ).all()
    cameras = session.execute(
        select(Camera.id, Camera.lon, Camera.lat, Camera.unit_code)
        .where(Camera.unit_code.in_(wanted))
        .order_by(Camera.id)
    ).all()
    found: dict[str, list[_Located]] = {"report": [], "incident": [], "camera": []}
    for kind, rows in (("report", reports), ("incident", incidents)):
        for row in rows:
            day = to_local(row[3]).date()
            if row[1] is not None and row[2] is not None and _in_period(day, period):
                found[kind].append(_Located(str(row[0]), day, row[1], row[2], row[4]))
    if _in_period(today, period):
        found["camera"] = [_Located(r.id, None, r.lon, r.lat, r.unit_code) for r in cameras]
    return found


def local_midnight(day: date) -> datetime:
    """The first moment of a local day."""
    return datetime.combine(day, time(), LOCAL_TZ)


def _stations(
    session: Session, stored: Mapping[str, shapely.Geometry], period: tuple[date, date | None]
) -> list[_Located]:
    """The positions sensor stations reported in the period, with the stored unit of this
    level each falls in (readings carry no unit)."""
    start, end = period
    query = (
        select(
            SensorReading.station_id,
            SensorReading.lon,
            SensorReading.lat,
            func.max(SensorReading.observed_at),
        )
        .where(
            SensorReading.lon.is_not(None),
            SensorReading.lat.is_not(None),
            SensorReading.observed_at >= local_midnight(start),
        )
        .group_by(SensorReading.station_id, SensorReading.lon, SensorReading.lat)
        .order_by(SensorReading.station_id)
    )
    if end is not None:
        query = query.where(SensorReading.observed_at < local_midnight(end + timedelta(days=1)))
    rows = session.execute(query).all()
    points = [(float(r[1] or 0.0), float(r[2] or 0.0)) for r in rows]  # not null (query)
    units = _units_of_points(list(stored), list(stored.values()), points)
    return [
        _Located(str(r[0]), to_local(r[3]).date(), x, y, unit)
        for r, (x, y), unit in zip(rows, points, units, strict=True)
        if unit is not None
    ]


def _moves(
    kind: str, located: Sequence[_Located], official: Mapping[str, shapely.Geometry]
) -> KindMoves:
    found = _units_of_points(
        list(official), list(official.values()), [(r.lon, r.lat) for r in located]
    )
    moved = [
        MovedRecord(kind, r.id, r.day, r.unit, code)
        for r, code in zip(located, found, strict=True)
        if code != r.unit
    ]
    return KindMoves(kind, len(located), moved)


def _units_of_points(
    codes: Sequence[str], geoms: Sequence[shapely.Geometry], points: Sequence[tuple[float, float]]
) -> list[str | None]:
    """The unit of each point: the one containing it, else the nearest within the border
    tolerance (as report routing does), else None."""
    found: list[str | None] = [None] * len(points)
    if not points or not geoms:
        return found
    tree = shapely.STRtree(list(geoms))
    shapes = shapely.points([list(p) for p in points])
    for point, hit in zip(*tree.query(shapes, predicate="covered_by").tolist(), strict=True):
        found[point] = codes[hit]
    for index, code in enumerate(found):
        if code is None:
            hits = tree.query_nearest(
                shapes[index], max_distance=BORDER_TOLERANCE_KM / KM_PER_DEGREE, all_matches=False
            )
            found[index] = codes[int(hits[0])] if len(hits) else None
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
    total = sum(len(k.moved) for k in comparison.records)
    print(f"Bản ghi sẽ đổi đơn vị / records that would move: {total}")
    for kinds in comparison.records:
        print(
            f"  {KIND_NAMES[kinds.kind]}: {len(kinds.moved)} / {kinds.checked} "
            f"({kinds.kind}s that would move: {len(kinds.moved)} of {kinds.checked})"
        )
        for record in kinds.moved[:show]:
            day = f" {record.day}" if record.day else ""
            print(f"    {record.id}{day}: {record.stored_unit} → {record.official_unit or '—'}")


@dataclass(frozen=True)
class ReferenceFigures:
    """How default units measure against reference boundary files (docs/geography.md)."""

    ward_agreement: float
    district_agreement: float
    # The method's parameters were tuned on the wards at even positions in code order
    # (TUNING_HALF) and the districts; the odd half is the held-out figure.
    ward_agreement_tuning: float
    ward_agreement_held_out: float
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
    halves = tuning_half(reference)
    return ReferenceFigures(
        ward_agreement=area_agreement(mine_new, reference),
        ward_agreement_tuning=area_agreement(mine_new, halves[0]),
        ward_agreement_held_out=area_agreement(mine_new, halves[1]),
        district_agreement=area_agreement(mine_old, {d.code: d.geom for d in districts}),
        ward_area_ratios=tuple(mine_new[c].area / g.area for c, g in reference.items()),
        centres_total=len(centres),
        wrong_centres=wrong,
        points=len(points),
        points_without_unit=sum(1 for unit in found if unit is None),
        points_nearest=sum(1 for unit in found if unit is not None and unit.nearest),
    )


def tuning_half(
    reference: Mapping[str, shapely.Geometry],
) -> tuple[dict[str, shapely.Geometry], dict[str, shapely.Geometry]]:
    """The reference wards split by a fixed rule: (even, odd) positions in code order. The
    approximation's parameters may be tuned on the first half only; the second is reported
    as the held-out figure."""
    codes = sorted(reference)
    even = {c: reference[c] for c in codes[0::2]}
    odd = {c: reference[c] for c in codes[1::2]}
    return even, odd


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
