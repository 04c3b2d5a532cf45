"""Default administrative units of Lâm Đồng in both eras, derived from a registry package.

The IOC ships no official boundaries (none is openly licensed), so the defaults are *approximate*
polygons built from the commune/ward centres of ``vietnamadminunits`` (MIT):

* after 1 July 2025: the Voronoi cell of each ward centre, computed together with the
  centres of the neighbouring provinces' wards, trimmed by a disc sized so the cell keeps
  the ward's official area (this places the coast and the Cambodian border); the province
  is the union of the trimmed cells with holes filled, and each ward is its whole cell cut
  by that outline, so wards tile the province;
* before: the province is the union of the new wards formed from old Lâm Đồng communes;
  the 12 districts are unions of Voronoi cells of the old commune centres cut by it.

Small facts the package lacks (the 12 district codes and how its merged "Đạ Huoai" splits)
live in ``data/geography/lamdong_pre2025.toml``. ``ioc units import`` replaces all of this
with official boundaries when the province has them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import shapely

from ioc.geography import dataset
from ioc.geography.cells import (
    LocalPlane,
    as_multipolygon,
    clip_to_area,
    close_gaps,
    fill_holes,
    spread_duplicates,
    voronoi_cells,
)
from ioc.geography.dataset import Place
from ioc.store import Store
from ioc.store.models import IocUnit
from ioc.store.units import UnitRecord, insert_units, unit_count

FACTS_FILE = Path(__file__).resolve().parents[2] / "data" / "geography" / "lamdong_pre2025.toml"
REFORM_DAY = date(2025, 7, 1)
PROVINCE_NAME_2025 = "Tỉnh Lâm Đồng"
NEIGHBOUR_MARGIN_DEG = 0.6
DEFAULT_AREA_KM2 = 100.0
DUPLICATE_SPREAD_KM = 1.5
CLOSING_KM = 6.0


class DefaultIoc(NamedTuple):
    """An operations centre seeded with the default units."""

    code: str
    name: str
    admin_unit_code: str
    kind: str
    opened_on: date | None


DEFAULT_IOCS = (
    DefaultIoc(
        "IOC-68", "Trung tâm Giám sát, điều hành thông minh tỉnh Lâm Đồng", "68", "province", None
    ),
    DefaultIoc(
        "IOC-672",
        "Trung tâm Giám sát, điều hành thông minh thành phố Đà Lạt",
        "672",
        "unit",
        date(2019, 12, 1),
    ),
)


@dataclass(frozen=True)
class OldEraFacts:
    """The shipped facts about the pre-2025 districts (see the TOML file's comments)."""

    province_code: str
    province_name: str
    valid_from: date
    valid_to: date
    districts: dict[str, str]
    merged_district: str
    split: dict[str, str]  # commune code -> district code, for the merged district


def load_facts(path: Path = FACTS_FILE) -> OldEraFacts:
    """Read the pre-2025 facts file."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    (merged_key,) = (key for key in raw if key.startswith("split_"))
    split = {code: district for district, codes in raw[merged_key].items() for code in codes}
    return OldEraFacts(
        province_code=raw["province_code"],
        province_name=raw["province_name"],
        valid_from=raw["valid_from"],
        valid_to=raw["valid_to"],
        districts=dict(raw["districts"]),
        merged_district=merged_key.removeprefix("split_"),
        split=split,
    )


def build_default_units() -> list[UnitRecord]:
    """The province in both eras, its 12 old districts and its 124 new communes/wards."""
    return list(_build())


@lru_cache(maxsize=1)
def _build() -> tuple[UnitRecord, ...]:
    facts = load_facts()
    wards = dataset.wards_2025(facts.province_code)
    plane = LocalPlane(
        sum(w.lon for w in wards) / len(wards), sum(w.lat for w in wards) / len(wards)
    )
    ward_shapes, outline = _ward_shapes(wards, plane)
    old_outline = _old_province_outline(facts, wards, ward_shapes)
    district_shapes = _district_shapes(facts, wards, old_outline, plane)
    return (
        *_old_era_records(
            facts,
            _lonlat(old_outline, plane),
            {code: _lonlat(geom, plane) for code, geom in district_shapes.items()},
        ),
        *_new_era_records(
            facts,
            wards,
            _lonlat(outline, plane),
            {code: _lonlat(geom, plane) for code, geom in ward_shapes.items()},
        ),
    )


def _ward_shapes(
    wards: list[Place], plane: LocalPlane
) -> tuple[dict[str, shapely.MultiPolygon], shapely.MultiPolygon]:
    """Each new ward's cell (km plane) cut by the province outline, and that outline."""
    minx, miny = min(w.lon for w in wards), min(w.lat for w in wards)
    maxx, maxy = max(w.lon for w in wards), max(w.lat for w in wards)
    margin = NEIGHBOUR_MARGIN_DEG
    bbox = (minx - margin, miny - margin, maxx + margin, maxy + margin)
    everyone = wards + dataset.wards_2025_near(wards[0].parent, bbox)
    points = spread_duplicates([plane.to_km(p.lon, p.lat) for p in everyone], 0.5)
    cells = voronoi_cells(points, margin_km=200.0)
    trimmed = [
        clip_to_area(cells[i], points[i], ward.area_km2 or DEFAULT_AREA_KM2)
        for i, ward in enumerate(wards)
    ]
    closed = fill_holes(close_gaps(shapely.union_all(trimmed), CLOSING_KM))
    outline = as_multipolygon(closed.intersection(shapely.union_all(cells[: len(wards)])))
    shapes = {w.code: as_multipolygon(cells[i].intersection(outline)) for i, w in enumerate(wards)}
    return shapes, outline


def _old_province_outline(
    facts: OldEraFacts, wards: list[Place], ward_shapes: dict[str, shapely.MultiPolygon]
) -> shapely.MultiPolygon:
    """The union of the new wards formed only from communes of the old province."""
    old_keys = {c.key for c in dataset.communes_legacy(facts.province_code)}
    sources = dataset.predecessors_2025(_province_key(old_keys))
    inside = [w.code for w in wards if sources.get(w.key) and set(sources[w.key]) <= old_keys]
    return fill_holes(shapely.union_all([ward_shapes[code] for code in inside]))


def _province_key(legacy_keys: set[str]) -> str:
    """The converter's key of the province (the prefix of its legacy commune keys)."""
    (key,) = {k.split("_", 1)[0] for k in legacy_keys}
    return key


def _district_shapes(
    facts: OldEraFacts, wards: list[Place], outline: shapely.MultiPolygon, plane: LocalPlane
) -> dict[str, shapely.MultiPolygon]:
    """Each old district as the union of its communes' Voronoi cells inside ``outline``."""
    communes = dataset.communes_legacy(facts.province_code)
    centres = _legacy_centres(facts, communes, wards)
    points = spread_duplicates([plane.to_km(lon, lat) for lon, lat in centres], DUPLICATE_SPREAD_KM)
    cells = voronoi_cells(points, margin_km=100.0)
    by_district: dict[str, list[shapely.Geometry]] = {code: [] for code in facts.districts}
    for commune, cell in zip(communes, cells, strict=True):
        by_district[_district_of(facts, commune)].append(cell.intersection(outline))
    return {code: as_multipolygon(shapely.union_all(parts)) for code, parts in by_district.items()}


def _district_of(facts: OldEraFacts, commune: Place) -> str:
    if commune.parent != facts.merged_district:
        return commune.parent
    if commune.code not in facts.split:
        raise ValueError(f"commune {commune.code} {commune.name} missing from {FACTS_FILE.name}")
    return facts.split[commune.code]


def _legacy_centres(
    facts: OldEraFacts, communes: list[Place], wards: list[Place]
) -> list[tuple[float, float]]:
    """Commune centres; where the package only has the district's, the new ward's centre."""
    district_centres = dataset.legacy_district_centres(facts.province_code)
    ward_by_key = {w.key: w for w in wards}
    predecessors = dataset.predecessors_2025(_province_key({c.key for c in communes}))
    successor = {
        source: ward_by_key[key]
        for key, sources in predecessors.items()
        if key in ward_by_key
        for source in sources
    }
    centres = []
    for commune in communes:
        if dataset.has_placeholder_centre(commune, district_centres) and commune.key in successor:
            ward = successor[commune.key]
            centres.append((ward.lon, ward.lat))
        else:
            centres.append((commune.lon, commune.lat))
    return centres


def _old_era_records(
    facts: OldEraFacts, outline: shapely.MultiPolygon, districts: dict[str, shapely.MultiPolygon]
) -> list[UnitRecord]:
    source = (
        f"approximate: union of Voronoi cells of commune centres from vietnamadminunits "
        f"{dataset.package_version()} (MIT), cut by the old province outline; districts "
        f"681-683 split per data/geography/{FACTS_FILE.name}"
    )
    records = [
        UnitRecord(facts.province_code, facts.province_name, "province", outline,
                   facts.valid_from, facts.valid_to, "Tỉnh", None, True, source)
    ]  # fmt: skip
    for code, name in sorted(facts.districts.items()):
        unit_type = "Thành phố" if name.startswith("Thành phố") else "Huyện"
        records.append(
            UnitRecord(code, name, "district", districts[code], facts.valid_from,
                       facts.valid_to, unit_type, facts.province_code, True, source)
        )  # fmt: skip
    return records


def _new_era_records(
    facts: OldEraFacts,
    wards: list[Place],
    outline: shapely.MultiPolygon,
    shapes: dict[str, shapely.MultiPolygon],
) -> list[UnitRecord]:
    source = (
        f"approximate: Voronoi cell of the ward centre from vietnamadminunits "
        f"{dataset.package_version()} (MIT) among neighbouring provinces' centres, "
        f"trimmed to the ward's official area"
    )
    records = [
        UnitRecord(facts.province_code, PROVINCE_NAME_2025, "province", outline,
                   REFORM_DAY, None, "Tỉnh", None, True, source)
    ]  # fmt: skip
    for ward in wards:
        records.append(
            UnitRecord(ward.code, ward.name, "commune", shapes[ward.code], REFORM_DAY, None,
                       ward.unit_type, facts.province_code, True, source)
        )  # fmt: skip
    return records


def _lonlat(geom: shapely.Geometry, plane: LocalPlane) -> shapely.MultiPolygon:
    """A km-plane geometry back in WGS84 lon/lat, valid and as a MultiPolygon."""
    out = plane.to_lonlat(geom)
    if not out.is_valid:
        out = shapely.make_valid(out)
    return as_multipolygon(out)


def seed_default_units(store: Store) -> int:
    """Insert the default units when the admin-unit table is empty; return how many.

    The provincial IOC and Đà Lạt's IOC are added to ``ioc_units`` when missing.
    """
    with store.session() as session:
        inserted = 0
        if unit_count(session) == 0:
            inserted = insert_units(session, build_default_units(), replace=False)
        for ioc in DEFAULT_IOCS:
            if session.get(IocUnit, ioc.code) is None:
                session.add(IocUnit(**ioc._asdict()))
    return inserted
