"""The default units shipped as commune cells (from vietnamadminunits): periods, shapes, places."""

from __future__ import annotations

from datetime import date

import pytest
import shapely

from ioc.geography.cells import spread_duplicates
from ioc.geography.dataset import communes_legacy
from ioc.geography.defaults import REFORM_DAY, build_default_units, load_cells, load_facts
from ioc.store.units import UnitRecord

OLD_DAY = date(2024, 11, 30)  # the last day of the twelve districts
MERGED_DAY = date(2024, 12, 1)  # Nghị quyết 1245/NQ-UBTVQH15 in force: ten districts


@pytest.fixture(scope="module")
def units() -> list[UnitRecord]:
    return build_default_units()


def _valid_on(units: list[UnitRecord], day: date) -> list[UnitRecord]:
    return [u for u in units if u.valid_from <= day and (u.valid_to is None or u.valid_to >= day)]


def _most_specific(
    units: list[UnitRecord], lon: float, lat: float, day: date, level: str | None = None
) -> UnitRecord:
    """The one unit of ``level`` (default: the lowest level of the day) covering the point."""
    point = shapely.Point(lon, lat)
    valid = [u for u in _valid_on(units, day) if u.level != "province"]
    level = level or ("commune" if any(u.level == "commune" for u in valid) else "district")
    hits = [u for u in valid if u.level == level and u.geom.covers(point)]
    assert len(hits) == 1, [h.code for h in hits]
    return hits[0]


def test_three_periods_have_the_expected_units(units: list[UnitRecord]) -> None:
    old = _valid_on(units, OLD_DAY)
    merged = _valid_on(units, MERGED_DAY)
    new = _valid_on(units, REFORM_DAY)
    assert sorted(u.code for u in old if u.level == "district") == [
        str(code) for code in range(672, 684)
    ]
    assert sorted(u.code for u in merged if u.level == "district") == [
        str(code) for code in range(672, 681)
    ] + ["682"]
    assert next(u for u in merged if u.code == "682").name == "Huyện Đạ Huoai"
    assert [u.code for u in old if u.level == "province"] == ["68"]
    assert [u.code for u in merged if u.level == "province"] == ["68"]
    assert len([u for u in new if u.level == "commune"]) == 124
    assert [u.code for u in new if u.level == "province"] == ["68"]
    assert all(u.valid_from == REFORM_DAY and u.valid_to is None for u in new)
    assert not _valid_on(units, date(2004, 11, 16))  # Đam Rông: Nghị định 189/2004/NĐ-CP
    assert len(_valid_on(units, date(2004, 11, 17))) == 13
    assert {u.valid_to for u in merged} == {date(2025, 6, 30)}
    communes = [u for u in merged if u.level == "commune"]
    assert len(communes) == 137  # Nghị quyết 1245/NQ-UBTVQH15: 137 communes
    assert {u.parent_code for u in communes} == {u.code for u in merged if u.level == "district"}
    assert not [u for u in old if u.level == "commune"]  # the communes before 12/2024: not shipped


def test_the_merged_district_is_the_union_of_the_three(units: list[UnitRecord]) -> None:
    old = {u.code: u.geom for u in _valid_on(units, OLD_DAY) if u.level == "district"}
    merged = next(u.geom for u in _valid_on(units, MERGED_DAY) if u.code == "682")
    three = shapely.union_all([old["681"], old["682"], old["683"]])
    assert abs(merged.area - three.area) < 1e-9
    assert merged.symmetric_difference(three).area < 1e-9


def test_eras_nest_exactly(units: list[UnitRecord]) -> None:
    """Every old district is a union of whole 2025 cells; every ward of the old province
    is a union of cells of old communes (the eras share their edges)."""
    cells = load_cells()
    new = {u.code: u.geom for u in _valid_on(units, REFORM_DAY) if u.level == "commune"}
    for code, ward in new.items():
        parts = shapely.union_all([c.geom for c in cells if c.ward == code])
        assert ward.symmetric_difference(parts).area < 1e-9, code
    old_province = next(u.geom for u in _valid_on(units, OLD_DAY) if u.level == "province")
    new_province = next(u.geom for u in _valid_on(units, REFORM_DAY) if u.level == "province")
    assert old_province.difference(new_province).area < 1e-9


def test_every_unit_is_a_valid_labelled_approximate_multipolygon(units: list[UnitRecord]) -> None:
    for unit in units:
        assert isinstance(unit.geom, shapely.MultiPolygon), unit.code
        assert unit.geom.is_valid and not unit.geom.is_empty, unit.code
        assert unit.approximate and "vietnamadminunits" in unit.source
        assert len(unit.source) <= 300
        if unit.level == "commune" and unit.valid_to is not None:  # 2024-2025: its district
            assert unit.parent_code in {str(code) for code in range(672, 681)} | {"682"}
        else:
            assert unit.parent_code == (None if unit.level == "province" else "68")


def test_names_keep_their_diacritics(units: list[UnitRecord]) -> None:
    names = {u.code: u.name for u in _valid_on(units, OLD_DAY)}
    assert names["672"] == "Thành phố Đà Lạt"
    assert names["682"] == "Huyện Đạ Tẻh"
    names = {u.code: u.name for u in units}
    assert names["24781"] == "Phường Xuân Hương - Đà Lạt"
    assert {u.unit_type for u in units if u.level == "district"} == {"Thành phố", "Huyện"}


def test_districts_tile_the_old_province(units: list[UnitRecord]) -> None:
    old = _valid_on(units, OLD_DAY)
    province = next(u for u in old if u.level == "province").geom
    districts = [u.geom for u in old if u.level == "district"]
    total = sum(d.area for d in districts)
    assert total - shapely.union_all(districts).area < 0.001 * total
    assert abs(total - province.area) < 0.001 * province.area
    # Lâm Đồng had about 9,780 km² before 2025 (1° ≈ 110 km here).
    assert 8_500 < province.area * 110.6 * 108.9 < 11_000


def test_wards_tile_the_new_province(units: list[UnitRecord]) -> None:
    new = _valid_on(units, REFORM_DAY)
    province = next(u for u in new if u.level == "province").geom
    wards = [u.geom for u in new if u.level == "commune"]
    total = sum(w.area for w in wards)
    assert total - shapely.union_all(wards).area < 0.001 * total
    assert abs(total - province.area) < 0.001 * province.area
    assert 21_000 < province.area * 110.6 * 108.9 < 27_000  # officially about 24,230 km²


@pytest.mark.parametrize(
    ("lon", "lat", "code"),
    [
        (108.445, 11.942, "672"),  # Hồ Xuân Hương, Đà Lạt
        (107.80, 11.55, "673"),  # Bảo Lộc centre
        (108.0698, 11.59, "679"),  # Di Linh town
        (108.365, 11.73, "678"),  # Liên Nghĩa, Đức Trọng
        (108.43, 12.035, "675"),  # Lạc Dương town
        (107.485, 11.524, "682"),  # Đạ Tẻh town
        (107.375, 11.581, "683"),  # Cát Tiên town
        (107.539, 11.384, "681"),  # Ma Đa Guôi, Đạ Huoai
    ],
)
def test_known_places_fall_in_their_district(
    units: list[UnitRecord], lon: float, lat: float, code: str
) -> None:
    assert _most_specific(units, lon, lat, OLD_DAY).code == code


def test_the_three_southern_towns_are_in_one_district_after_the_merger(
    units: list[UnitRecord],
) -> None:
    for lon, lat in ((107.485, 11.524), (107.375, 11.581), (107.539, 11.384)):
        assert _most_specific(units, lon, lat, MERGED_DAY, "district").code == "682"
        assert _most_specific(units, lon, lat, MERGED_DAY).parent_code == "682"
    assert _most_specific(units, 108.445, 11.942, MERGED_DAY, "district").code == "672"
    lake = _most_specific(units, 108.445, 11.942, MERGED_DAY)
    assert lake.level == "commune" and lake.parent_code == "672"


def test_the_communes_of_2024_2025_tile_their_districts(units: list[UnitRecord]) -> None:
    """Each district of the ten is exactly the union of its communes (cells shared)."""
    merged = _valid_on(units, MERGED_DAY)
    for district in (u for u in merged if u.level == "district"):
        parts = [u.geom for u in merged if u.level == "commune" and u.parent_code == district.code]
        together = shapely.union_all(parts)
        assert district.geom.symmetric_difference(together).area < 1e-9, district.code
        assert sum(p.area for p in parts) - together.area < 1e-9, district.code


def test_the_communes_of_2024_2025_lead_to_the_wards_they_formed(units: list[UnitRecord]) -> None:
    """Lineage: each old commune's successors (the rule of unit scopes) include the 2025
    ward the package's converter says it went into, and no ward it did not touch."""
    from ioc.geography.dataset import predecessors_2025, wards_2025
    from ioc.store.units import successors

    rows = [u.to_row() for u in units]
    wards = {w.key: w.code for w in wards_2025("68")}
    formed: dict[str, set[str]] = {}
    for ward_key, sources in predecessors_2025("tinhlamdong").items():
        for source in sources:
            formed.setdefault(source, set()).add(wards[ward_key])
    keys = {c.code: c.key for c in communes_legacy("68")}
    communes = [u for u in _valid_on(units, MERGED_DAY) if u.level == "commune"]
    for commune in communes:
        heirs = successors(rows, commune.code) or {commune.code}  # a code kept by its ward
        went = formed[keys[commune.code]]
        assert heirs & went, commune.code
        assert heirs <= went | {commune.code}, (commune.code, heirs, went)


def test_known_places_after_the_reform(units: list[UnitRecord]) -> None:
    assert _most_specific(units, 108.445, 11.942, REFORM_DAY).name.endswith("Đà Lạt")
    assert "Bảo Lộc" in _most_specific(units, 107.80, 11.55, REFORM_DAY).name
    phan_thiet = shapely.Point(108.10, 10.93)
    assert next(u for u in _valid_on(units, REFORM_DAY) if u.level == "province").geom.covers(
        phan_thiet
    )
    assert not any(u.geom.covers(phan_thiet) for u in _valid_on(units, OLD_DAY))


def test_the_merged_district_is_split_completely() -> None:
    facts = load_facts()
    in_package = {c.code for c in communes_legacy("68") if c.parent == facts.merged_code}
    assert set(facts.split) == in_package
    assert set(facts.split.values()) == {"681", "682", "683"}


def test_build_is_deterministic_and_returns_a_fresh_list(units: list[UnitRecord]) -> None:
    again = build_default_units()
    assert again == units and again is not units


def test_spread_duplicates_moves_only_shared_points() -> None:
    points = [(0.0, 0.0), (5.0, 5.0), (0.0, 0.0)]
    spread = spread_duplicates(points, 1.0)
    assert spread[1] == (5.0, 5.0)
    assert spread[0] != spread[2]
    assert all(
        abs(shapely.Point(p).distance(shapely.Point(0, 0)) - 1.0) < 1e-9
        for p in (spread[0], spread[2])
    )


def test_approximation_agrees_with_real_districts(units: list[UnitRecord], shared_data) -> None:
    """Against the GADM-derived districts (tests only): most of each area matches."""
    from ioc.geography.importer import read_units_geojson

    real = {
        r.code: r.geom
        for r in read_units_geojson(shared_data / "lamdong_districts.geojson", "district", OLD_DAY)
    }
    approx = {u.code: u.geom for u in _valid_on(units, OLD_DAY) if u.level == "district"}
    shared = sum(approx[code].intersection(geom).area for code, geom in real.items())
    assert shared / sum(g.area for g in real.values()) > 0.9  # 92.5 % measured
