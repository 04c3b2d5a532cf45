"""The cell builder itself, on a coarse raster (the shipped file is built at 0.5 km)."""

from __future__ import annotations

import pytest
import shapely

from ioc.geography.approximate import Cell, build_cells, cells_geojson
from ioc.geography.defaults import load_facts


@pytest.fixture(scope="module")
def cells() -> list[Cell]:
    return build_cells("68", resolution_km=2.0)


def test_every_old_commune_share_gets_one_cell(cells: list[Cell]) -> None:
    assert len(cells) == 331  # 137 + 121 + 71 communes, two of them divided in two
    assert len({c.atom.ward.code for c in cells}) == 124
    assert all(c.geom.is_valid and not c.geom.is_empty for c in cells)
    divided = [c for c in cells if c.atom.commune.place.code in {"22978", "23053"}]  # Bình Thuận
    assert len({(c.atom.commune.place.code, c.atom.ward.code) for c in divided}) == 4


def test_cells_tile_without_overlaps(cells: list[Cell]) -> None:
    total = sum(c.geom.area for c in cells)
    assert total - shapely.union_all([c.geom for c in cells]).area < 1e-4 * total


def test_each_ward_contains_its_registry_centre(cells: list[Cell]) -> None:
    wards: dict[str, list[shapely.Geometry]] = {}
    for cell in cells:
        wards.setdefault(cell.atom.ward.code, []).append(cell.geom)
    centres = {c.atom.ward.code: (c.atom.ward.lon, c.atom.ward.lat) for c in cells}
    outside = [
        code
        for code, parts in wards.items()
        if shapely.union_all(parts).distance(shapely.Point(centres[code])) > 0.03
    ]
    assert outside == []  # within a 2 km pixel of it


def test_geojson_names_the_district_before_the_merger(cells: list[Cell]) -> None:
    features = cells_geojson(cells, load_facts())["features"]
    old = [f["properties"] for f in features if f["properties"]["old_province"] == "68"]
    assert len(old) == 137
    assert {p["district"] for p in old} == {str(code) for code in range(672, 684)}
