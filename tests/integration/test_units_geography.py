"""Units in the store on both backends: seeding, lookups by date, imports, the CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import shapely
from sqlalchemy import select

from ioc.auth.scope import unit_scope
from ioc.cli import main
from ioc.geography.defaults import refresh_default_units, seed_default_units
from ioc.geography.importer import UnitImportError, import_units, read_units_geojson
from ioc.kpi.periods import Period
from ioc.kpi.ranking import unit_names
from ioc.store import Store
from ioc.store.models import AdminUnit, IocUnit
from ioc.store.units import UnitRecord, insert_units, unit_at, unit_count, units_valid_at
from tests.reports_support import outside_the_province

BEFORE = date(2025, 6, 30)
AFTER = date(2025, 7, 1)
SQUARE = [[[108.0, 11.0], [108.1, 11.0], [108.1, 11.1], [108.0, 11.1], [108.0, 11.0]]]
BOWTIE = [[[108.0, 11.0], [108.1, 11.1], [108.1, 11.0], [108.0, 11.1], [108.0, 11.0]]]


def _snapshot(store: Store) -> list[tuple[Any, ...]]:
    with store.session() as session:
        rows = session.scalars(select(AdminUnit).order_by(AdminUnit.code, AdminUnit.valid_from))
        return [(r.code, r.name, r.valid_from, r.valid_to, r.geom.wkb) for r in rows]


def test_seed_fills_both_eras_once(store: Store) -> None:
    assert seed_default_units(store) == 276
    assert seed_default_units(store) == 0
    with store.session() as session:
        assert unit_count(session) == 276
        assert len(units_valid_at(session, date(2024, 11, 30), "district")) == 12
        assert len(units_valid_at(session, BEFORE, "district")) == 10
        assert len(units_valid_at(session, BEFORE, "commune")) == 137
        assert units_valid_at(session, date(2024, 11, 30), "commune") == []
        assert len(units_valid_at(session, AFTER, "commune")) == 124
        assert units_valid_at(session, AFTER, "district") == []
        iocs = {i.code: i for i in session.scalars(select(IocUnit))}
    assert iocs["IOC-68"].admin_unit_code == "68"
    assert iocs["IOC-672"].admin_unit_code == "672"
    assert iocs["IOC-672"].opened_on == date(2019, 12, 10)  # data/iocs_lamdong.csv, its sources
    assert all(ioc.source for ioc in iocs.values())


def test_unit_at_either_side_of_the_reform(store: Store) -> None:
    seed_default_units(store)
    lake = (108.445, 11.942)
    before = unit_at(store, *lake, BEFORE)
    after = unit_at(store, *lake, AFTER)
    assert before is not None and before.level == "commune" and before.parent_code == "672"
    older = unit_at(store, *lake, date(2024, 11, 30))
    assert older is not None and older.code == "672" and older.name == "Thành phố Đà Lạt"
    assert after is not None and after.level == "commune" and after.name.endswith("Đà Lạt")
    bao_loc = unit_at(store, 107.80, 11.55, date(2020, 1, 1))
    assert bao_loc is not None and bao_loc.code == "673"
    phan_thiet = unit_at(store, 108.10, 10.93, AFTER)
    assert phan_thiet is not None and phan_thiet.parent_code == "68"
    assert unit_at(store, 108.10, 10.93, BEFORE) is None  # Bình Thuận, not yet Lâm Đồng


def test_import_real_districts_replaces_the_defaults(store: Store, shared_data: Path) -> None:
    seed_default_units(store)
    records = read_units_geojson(
        shared_data / "lamdong_districts.geojson",
        "district",
        date(2004, 11, 17),
        BEFORE,
        parent_code="68",
    )
    assert import_units(store, records) == 12
    with store.session() as session:
        districts = units_valid_at(session, date(2020, 1, 1), "district")
        assert unit_count(session) == 276
    assert len(districts) == 12 and not any(d.approximate for d in districts)
    lake = unit_at(store, 108.445, 11.942, date(2024, 11, 30))
    assert lake is not None and lake.code == "672" and not lake.approximate


def test_import_real_wards(store: Store, shared_data: Path) -> None:
    records = read_units_geojson(shared_data / "lamdong_wards_2025.geojson", "commune", AFTER)
    assert import_units(store, records) == 124
    assert import_units(store, records) == 124  # same code and valid_from: replaced
    with store.session() as session:
        assert unit_count(session) == 124
    lake = unit_at(store, 108.445, 11.942, AFTER)
    assert lake is not None and lake.name.endswith("Đà Lạt")
    assert unit_at(store, 108.445, 11.942, BEFORE) is None


def test_an_import_reaches_the_cached_unit_scopes_at_once(store: Store) -> None:
    seed_default_units(store)
    with store.session() as session:
        before = unit_scope(session, "672")  # now cached for minutes
    ward = UnitRecord(
        "99998",
        "Phường Mới Đà Lạt",
        "commune",
        shapely.MultiPolygon([shapely.box(108.40, 11.90, 108.45, 11.95)]),
        AFTER,
        parent_code="672",
    )
    import_units(store, [ward])  # raises the "units" event once committed
    with store.session() as session:
        after = unit_scope(session, "672")
    assert "99998" not in before and after == before | {"99998"}


def _feature(code: Any, coords: Any = SQUARE, kind: str = "Polygon") -> dict[str, Any]:
    geometry = {"type": kind, "coordinates": coords}
    return {"type": "Feature", "properties": {"code": code, "name": "x"}, "geometry": geometry}


BAD_FILES: dict[str, tuple[Any, str]] = {
    "not_json": ("{not json", "not a JSON file"),
    "not_collection": ({"type": "Feature"}, "not a GeoJSON FeatureCollection"),
    "wrong_crs": (
        {
            "type": "FeatureCollection",
            "features": [_feature("1")],
            "crs": {"type": "name", "properties": {"name": "EPSG:3405"}},
        },
        "is not WGS84",
    ),
    "bowtie": (
        {"type": "FeatureCollection", "features": [_feature("1"), _feature("2", BOWTIE)]},
        "feature 1: invalid polygon",
    ),
    "point": (
        {
            "type": "FeatureCollection",
            "features": [_feature("1"), _feature("2", [108.0, 11.0], "Point")],
        },
        "feature 1: geometry must be a Polygon or MultiPolygon, not Point",
    ),
    "missing_code": (
        {"type": "FeatureCollection", "features": [_feature("1"), _feature(None)]},
        "feature 1: missing code",
    ),
    "duplicate_code": (
        {"type": "FeatureCollection", "features": [_feature("1"), _feature("1")]},
        "duplicate code '1'",
    ),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_files_change_nothing(store: Store, tmp_path: Path, kind: str) -> None:
    seed_default_units(store)
    before = _snapshot(store)
    content, message = BAD_FILES[kind]
    path = tmp_path / f"{kind}.geojson"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    with pytest.raises(UnitImportError) as info:
        import_units(store, read_units_geojson(path, "commune", AFTER))
    assert message in str(info.value) and path.name in str(info.value)
    assert _snapshot(store) == before


def test_cli_seed_list_locate_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IOC_DATABASE__URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert main(["units", "list"]) == 1
    assert "ioc db upgrade" in capsys.readouterr().err
    assert main(["db", "upgrade"]) == 0
    assert main(["units", "seed"]) == 0
    assert "276" in capsys.readouterr().out
    assert main(["units", "list", "--at", "2024-01-01", "--level", "district"]) == 0
    out = capsys.readouterr().out
    assert "Thành phố Đà Lạt" in out and "12 đơn vị" in out
    assert main(["units", "locate", "108.445", "11.942", "--at", "2025-06-30"]) == 0
    assert "672" in capsys.readouterr().out
    lon, lat = outside_the_province(3.0)
    assert main(["units", "locate", str(lon), str(lat), "--at", "2026-01-01"]) == 0
    assert "nearest unit" in capsys.readouterr().out
    assert main(["units", "locate", "105.85", "21.03", "--at", "2026-01-01"]) == 1  # Hà Nội
    assert "outside the province" in capsys.readouterr().out
    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [_feature(None)]}))
    args = ["units", "import", str(bad), "--level", "commune", "--valid-from", "2025-07-01"]
    assert main(args) == 1
    assert "feature 0: missing code" in capsys.readouterr().err
    good = tmp_path / "good.geojson"
    good.write_text(json.dumps({"type": "FeatureCollection", "features": [_feature("99999")]}))
    assert main([*args[:2], str(good), *args[3:]]) == 0
    assert "imported 1 commune units" in capsys.readouterr().out
    assert main(["units", "locate", "108.05", "11.05", "--at", "2026-01-01"]) == 0
    assert "99999" in capsys.readouterr().out


def test_refresh_replaces_old_approximate_units_and_keeps_official_ones(store: Store) -> None:
    """A store seeded by an older version (two periods from 2004-01-01) gets the three
    periods; an imported ward of 2025 stays and no approximate ward is added over it."""
    old_style = UnitRecord(
        "681",
        "Huyện Đạ Huoai",
        "district",
        shapely.MultiPolygon([shapely.box(107.4, 11.3, 107.6, 11.5)]),
        date(2004, 1, 1),
        BEFORE,
        "Huyện",
        "68",
        True,
        "older version",
    )
    official = UnitRecord(
        "99999",
        "Phường Chính Thức",
        "commune",
        shapely.MultiPolygon([shapely.box(108.0, 11.0, 108.1, 11.1)]),
        AFTER,
    )
    with store.session() as session:
        insert_units(session, [old_style, official], replace=False)
    removed, added = refresh_default_units(store)
    assert (removed, added) == (1, 276 - 124)
    with store.session() as session:
        assert len(units_valid_at(session, date(2024, 11, 30), "district")) == 12
        assert len(units_valid_at(session, date(2025, 1, 1), "district")) == 10
        assert [u.code for u in units_valid_at(session, AFTER, "commune")] == ["99999"]
        assert not units_valid_at(session, date(2004, 6, 1))


def test_kpi_tables_name_every_unit_of_their_period(store: Store) -> None:
    """2024 had twelve districts for eleven months: all twelve are rows of the year's table,
    682 under its later name; the first half of 2025 has the ten."""
    seed_default_units(store)
    with store.session() as session:
        year = unit_names(session, Period.parse("2024"), "pre2025")
        half = unit_names(session, Period("quarter", 2025, 2), "pre2025")
        after = unit_names(session, Period.parse("2025"), "post2025")
    assert sorted(year) == [str(code) for code in range(672, 684)]
    assert year["681"] == "Huyện Đạ Huoai" and year["683"] == "Huyện Cát Tiên"
    assert year["682"] == "Huyện Đạ Huoai"  # merged on 2024-12-01
    assert sorted(half) == [*(str(code) for code in range(672, 681)), "682"]
    assert len(after) == 124
