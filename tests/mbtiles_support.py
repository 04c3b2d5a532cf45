"""A small real MBTiles file for tests: solid-colour PNG tiles over Lâm Đồng."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import cv2
import numpy as np


def tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ tile holding a lon/lat at zoom ``z`` (Web Mercator)."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def make_mbtiles(path: Path, zooms: range = range(5, 13)) -> int:
    """Tiles covering lon 106.5–109.5, lat 10.3–12.9 at ``zooms``; returns how many."""
    ok, png = cv2.imencode(".png", np.full((256, 256, 3), (60, 90, 40), np.uint8))
    assert ok
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute(
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
        " tile_data BLOB)"
    )
    db.executemany("INSERT INTO metadata VALUES (?, ?)", [("name", "test"), ("format", "png")])
    count = 0
    for z in zooms:
        (x0, y0), (x1, y1) = tile_xy(106.5, 12.9, z), tile_xy(109.5, 10.3, z)
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                db.execute(
                    "INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, 2**z - 1 - y, png.tobytes())
                )
                count += 1
    db.commit()
    db.close()
    return count
