"""The self-hosted raster base map: MBTiles rows flipped, the style only when configured."""

from __future__ import annotations

from pathlib import Path

from layers import dark_basemap
from layers.tiles import read_tile
from tests.mbtiles_support import make_mbtiles, tile_xy


def test_tiles_are_read_top_down(tmp_path: Path) -> None:
    path = tmp_path / "base.mbtiles"
    assert make_mbtiles(path, range(7, 8)) > 0
    x, y = tile_xy(108.44, 11.94, 7)  # Đà Lạt
    found = read_tile(path, 7, x, y)
    assert found is not None
    data, mime = found
    assert mime == "image/png" and data.startswith(b"\x89PNG")
    assert read_tile(path, 7, 0, 0) is None  # not covered
    assert read_tile(path, 7, 1 << 7, 0) is None  # not a tile at all


def test_style_has_a_raster_layer_only_with_tiles() -> None:
    plain = dark_basemap()
    tiled = dark_basemap(tiles="/tiles/{z}/{x}/{y}")
    assert [layer["id"] for layer in plain["layers"]] == ["background"]
    assert [layer["id"] for layer in tiled["layers"]] == ["background", "ioc-base"]
    assert tiled["sources"]["ioc-base"]["tiles"] == ["/tiles/{z}/{x}/{y}"]
