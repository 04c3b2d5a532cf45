"""Reading boundary files: field detection, CRS and geometry checks, clear errors."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import shapely

from ioc.geography.importer import UnitImportError, read_units_geojson

DAY = date(2025, 7, 1)
SQUARE = [[[108.0, 11.0], [108.1, 11.0], [108.1, 11.1], [108.0, 11.1], [108.0, 11.0]]]
BOWTIE = [[[108.0, 11.0], [108.1, 11.1], [108.1, 11.0], [108.0, 11.1], [108.0, 11.0]]]


def feature(props: dict[str, Any], coords: Any = SQUARE, kind: str = "Polygon") -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": kind, "coordinates": coords},
    }


def write(tmp_path: Path, features: list[dict[str, Any]], **extra: Any) -> Path:
    path = tmp_path / "units.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features, **extra}))
    return path


def test_detects_vietnamese_field_names_and_builds_records(tmp_path: Path) -> None:
    path = write(tmp_path, [feature({"ma": 24781, "ten": "Phường Xuân Hương", "loai": "Phường"})])
    (record,) = read_units_geojson(path, "commune", DAY, parent_code="68")
    assert (record.code, record.name, record.unit_type) == ("24781", "Phường Xuân Hương", "Phường")
    assert isinstance(record.geom, shapely.MultiPolygon)
    assert record.parent_code == "68" and not record.approximate
    assert record.source == "imported from units.geojson"


def test_explicit_fields_win(tmp_path: Path) -> None:
    path = write(tmp_path, [feature({"code": "x", "id2": "672", "label": "Đà Lạt", "name": "n"})])
    (record,) = read_units_geojson(path, "district", DAY, code_field="id2", name_field="label")
    assert (record.code, record.name) == ("672", "Đà Lạt")


def test_crs84_and_epsg4326_are_accepted(tmp_path: Path) -> None:
    for name in ("urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::4326", "EPSG:4326"):
        crs = {"type": "name", "properties": {"name": name}}
        path = write(tmp_path, [feature({"code": "1", "name": "a"})], crs=crs)
        assert len(read_units_geojson(path, "commune", DAY)) == 1


def test_repairable_ring_is_repaired(tmp_path: Path) -> None:
    # A square whose ring touches itself at a spike: invalid but make_valid keeps the area.
    spiky = [
        [
            [108.0, 11.0],
            [108.1, 11.0],
            [108.1, 11.1],
            [108.05, 11.1],
            [108.05, 11.15],
            [108.05, 11.1],
            [108.0, 11.1],
            [108.0, 11.0],
        ]
    ]
    path = write(tmp_path, [feature({"code": "1", "name": "a"}, spiky)])
    (record,) = read_units_geojson(path, "commune", DAY)
    assert record.geom.is_valid
    assert record.geom.area == pytest.approx(0.01)
    assert "repaired" in record.source


@pytest.mark.parametrize(
    ("features", "extra", "message"),
    [
        ([feature({"code": "1", "name": "a"}, BOWTIE)], {}, "feature 0: invalid polygon"),
        ([feature({"code": "1", "name": "a"}, [108.0, 11.0], "Point")], {}, "not Point"),
        ([feature({"name": "a"})], {}, "no code property found"),
        (
            [feature({"code": "1", "name": "a"}), feature({"code": "", "name": "b"})],
            {},
            "feature 1: missing code",
        ),
        (
            [feature({"code": "1", "name": "a"}), feature({"code": "1", "name": "b"})],
            {},
            "feature 1: duplicate code '1' (also feature 0)",
        ),
        ([feature({"code": "1", "name": " "})], {}, "feature 0: missing name"),
        (
            [feature({"code": "1", "name": "a"})],
            {"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3405"}}},
            "EPSG::3405' is not WGS84",
        ),
        (
            [
                feature(
                    {"code": "1", "name": "a"},
                    [[[500000, 1200000], [510000, 1200000], [510000, 1210000], [500000, 1200000]]],
                )
            ],
            {},
            "feature 0: coordinates",
        ),
        ([], {}, "has no features"),
    ],
)
def test_bad_files_raise_one_clear_error(
    tmp_path: Path, features: list[dict[str, Any]], extra: dict[str, Any], message: str
) -> None:
    path = write(tmp_path, features, **extra)
    with pytest.raises(UnitImportError) as info:
        read_units_geojson(path, "commune", DAY)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_not_json_and_not_a_feature_collection(tmp_path: Path) -> None:
    text = tmp_path / "a.geojson"
    text.write_text("code,name\n1,a\n")
    with pytest.raises(UnitImportError, match="not a JSON file"):
        read_units_geojson(text, "commune", DAY)
    text.write_text(json.dumps(feature({"code": "1", "name": "a"})))
    with pytest.raises(
        UnitImportError, match=r"not a GeoJSON FeatureCollection \(found 'Feature'\)"
    ):
        read_units_geojson(text, "commune", DAY)
    with pytest.raises(UnitImportError, match="file not found"):
        read_units_geojson(tmp_path / "missing.geojson", "commune", DAY)


def test_bad_level_and_dates_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, [feature({"code": "1", "name": "a"})])
    with pytest.raises(UnitImportError, match="level must be one of"):
        read_units_geojson(path, "ward", DAY)
    with pytest.raises(UnitImportError, match="before valid_from"):
        read_units_geojson(path, "commune", DAY, valid_to=date(2025, 1, 1))
