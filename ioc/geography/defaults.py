"""Default administrative units of Lâm Đồng in its three periods, from a shipped cell file.

The IOC ships no official boundaries (none is openly licensed), so the defaults are
*approximate* polygons. ``data/geography/lamdong_cells.geojson`` holds one cell per old
commune (per share, for the two communes divided between wards), built from the centres and
boxes of ``vietnamadminunits`` (MIT) by ``scripts/build_geography.py``
(:mod:`ioc.geography.approximate`). Every unit is a union of cells, so the periods nest:

* 17/11/2004 – 30/11/2024: the old province and its 12 districts;
* 01/12/2024 – 30/06/2025: the same with Đạ Huoai, Đạ Tẻh and Cát Tiên merged into one
  Huyện Đạ Huoai (10 district-level units), and below them the 137 communes of that period;
* from 01/07/2025: the merged province and its 124 communes, wards and special zone.

Small facts the package lacks (the district codes, dates and how its merged "Đạ Huoai"
splits) live in ``data/geography/lamdong_pre2025.toml``. ``ioc units import`` replaces all
of this with official boundaries when the province has them.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import shapely
from shapely.geometry import shape
from sqlalchemy import delete, select

from ioc.geography import dataset
from ioc.geography.cells import as_multipolygon
from ioc.geography.dataset import Place
from ioc.iocs.seed import seed_default_iocs
from ioc.store import Store
from ioc.store.models import AdminUnit
from ioc.store.units import UnitRecord, insert_units, unit_count

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "geography"
FACTS_FILE = DATA_DIR / "lamdong_pre2025.toml"
CELLS_FILE = DATA_DIR / "lamdong_cells.geojson"
REFORM_DAY = date(2025, 7, 1)
PROVINCE_NAME_2025 = "Tỉnh Lâm Đồng"


@dataclass(frozen=True)
class OldEraFacts:
    """The shipped facts about the pre-2025 districts (see the TOML file's comments)."""

    province_code: str
    province_name: str
    valid_from: date
    merger_day: date
    valid_to: date
    merged_code: str
    merged_name: str
    districts: dict[str, str]
    split: dict[str, str]  # commune code -> district code, for the package's merged district

    @property
    def merged_away(self) -> set[str]:
        """The districts that ended at the merger."""
        return set(self.split.values())


def load_facts(path: Path = FACTS_FILE) -> OldEraFacts:
    """Read the pre-2025 facts file."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    (merged_key,) = (key for key in raw if key.startswith("split_"))
    split = {code: district for district, codes in raw[merged_key].items() for code in codes}
    return OldEraFacts(
        province_code=raw["province_code"],
        province_name=raw["province_name"],
        valid_from=raw["valid_from"],
        merger_day=raw["merger_day"],
        valid_to=raw["valid_to"],
        merged_code=raw["merged_code"],
        merged_name=raw["merged_name"],
        districts=dict(raw["districts"]),
        split=split,
    )


def district_of(facts: OldEraFacts, commune: Place) -> str:
    """The district a commune of the old province belonged to before the 2024 merger."""
    if commune.parent != facts.merged_code:
        return commune.parent
    if commune.code not in facts.split:
        raise ValueError(f"commune {commune.code} {commune.name} missing from {FACTS_FILE.name}")
    return facts.split[commune.code]


@dataclass(frozen=True)
class CellRow:
    """One shipped cell: the 2025 ward it lies in and the old commune, district, province."""

    ward: str
    commune: str
    district: str
    old_province: str
    geom: shapely.MultiPolygon


def load_cells(path: Path = CELLS_FILE) -> list[CellRow]:
    """The shipped cells (WGS84), in file order."""
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    return [
        CellRow(
            p["ward"],
            p["commune"],
            p["district"],
            p["old_province"],
            as_multipolygon(shape(f["geometry"])),
        )
        for f in features
        for p in [f["properties"]]
    ]


def build_default_units() -> list[UnitRecord]:
    """The province in its three periods: 12 districts, then 10 districts and their 137
    communes, then 124 communes/wards."""
    return list(_build())


@lru_cache(maxsize=1)
def _build() -> tuple[UnitRecord, ...]:
    facts = load_facts()
    cells = load_cells()
    old = [c for c in cells if c.old_province == facts.province_code]
    districts = {
        code: _union(c.geom for c in old if c.district == code) for code in facts.districts
    }
    wards = dataset.wards_2025(facts.province_code)
    by_ward = {w.code: _union(c.geom for c in cells if c.ward == w.code) for w in wards}
    source = (
        f"approximate: union of commune cells from vietnamadminunits {dataset.package_version()}"
        f" (MIT) centres and boxes, data/geography/{CELLS_FILE.name}"
    )
    return (
        *_old_era_records(facts, _union(c.geom for c in old), districts, source),
        *_merged_era_communes(facts, old, source),
        *_new_era_records(facts, wards, _union(c.geom for c in cells), by_ward, source),
    )


def _merged_era_communes(
    facts: OldEraFacts, old: Sequence[CellRow], source: str
) -> list[UnitRecord]:
    """The old province's communes of 01/12/2024 – 30/06/2025 (the 137 of the package),
    each the union of its cells, below its district of that period (the merged Huyện Đạ
    Huoai for the communes of the three southern districts)."""
    places = {p.code: p for p in dataset.communes_legacy(facts.province_code)}
    records = []
    for code in sorted({c.commune for c in old}):
        place = places[code]
        district = next(c.district for c in old if c.commune == code)
        parent = facts.merged_code if district in facts.merged_away else district
        geom = _union(c.geom for c in old if c.commune == code)
        records.append(
            UnitRecord(
                code,
                place.name,
                "commune",
                geom,
                facts.merger_day,
                facts.valid_to,
                place.unit_type,
                parent,
                True,
                source,
            )
        )
    return records


def _union(geoms: Iterable[shapely.Geometry]) -> shapely.MultiPolygon:
    merged = shapely.union_all(list(geoms))
    return as_multipolygon(merged if merged.is_valid else shapely.make_valid(merged))


def _old_era_records(
    facts: OldEraFacts,
    outline: shapely.MultiPolygon,
    districts: dict[str, shapely.MultiPolygon],
    source: str,
) -> list[UnitRecord]:
    start, end = facts.valid_from, facts.valid_to
    before_merger = facts.merger_day - timedelta(days=1)
    records = [
        UnitRecord(
            facts.province_code,
            facts.province_name,
            "province",
            outline,
            start,
            end,
            "Tỉnh",
            None,
            True,
            source,
        )
    ]
    for code, name in sorted(facts.districts.items()):
        until = before_merger if code in facts.merged_away else end
        records.append(_district(facts, (code, name), districts[code], (start, until), source))
    merged = _union(districts[code] for code in facts.merged_away)
    period = (facts.merger_day, end)
    named = (facts.merged_code, facts.merged_name)
    records.append(_district(facts, named, merged, period, source))
    return records


def _district(
    facts: OldEraFacts,
    named: tuple[str, str],
    geom: shapely.MultiPolygon,
    period: tuple[date, date],
    source: str,
) -> UnitRecord:
    code, name = named
    unit_type = "Thành phố" if name.startswith("Thành phố") else "Huyện"
    return UnitRecord(
        code,
        name,
        "district",
        geom,
        period[0],
        period[1],
        unit_type,
        facts.province_code,
        True,
        source,
    )


def _new_era_records(
    facts: OldEraFacts,
    wards: list[Place],
    outline: shapely.MultiPolygon,
    shapes: dict[str, shapely.MultiPolygon],
    source: str,
) -> list[UnitRecord]:
    records = [
        UnitRecord(
            facts.province_code,
            PROVINCE_NAME_2025,
            "province",
            outline,
            REFORM_DAY,
            None,
            "Tỉnh",
            None,
            True,
            source,
        )
    ]
    for ward in wards:
        records.append(
            UnitRecord(
                ward.code,
                ward.name,
                "commune",
                shapes[ward.code],
                REFORM_DAY,
                None,
                ward.unit_type,
                facts.province_code,
                True,
                source,
            )
        )
    return records


def seed_default_units(store: Store) -> int:
    """Insert the default units when the admin-unit table is empty; return how many.

    The IOCs public reporting names (the province's, Đà Lạt's and others', with their
    sources: :mod:`ioc.iocs.seed`) are added to ``ioc_units`` when missing.
    """
    with store.session() as session:
        inserted = 0
        if unit_count(session) == 0:
            inserted = insert_units(session, build_default_units(), replace=False)
        seed_default_iocs(session)
    return inserted


def refresh_default_units(store: Store) -> tuple[int, int]:
    """Replace the stored approximate units by the current defaults; return (removed, added).

    For a store seeded by an older version (two periods, other polygons). Imported official
    units stay, and a default unit whose level and period overlap an official one is left
    out, so nothing official is shadowed. One transaction.
    """
    with store.session() as session:
        official = session.scalars(select(AdminUnit).where(AdminUnit.approximate.is_(False))).all()
        removed = session.execute(delete(AdminUnit).where(AdminUnit.approximate.is_(True)))
        fresh = [r for r in build_default_units() if not any(_overlap(r, o) for o in official)]
        added = insert_units(session, fresh, replace=False)
    return int(getattr(removed, "rowcount", 0) or 0), added


def _overlap(record: UnitRecord, row: AdminUnit) -> bool:
    """Same level and validity periods that share a day."""
    last = date.max
    return (
        record.level == row.level
        and record.valid_from <= (row.valid_to or last)
        and row.valid_from <= (record.valid_to or last)
    )
