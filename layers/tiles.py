"""An optional self-hosted base map: raster tiles served from an MBTiles file.

Set ``web.mbtiles`` to an MBTiles file (raster PNG or JPEG tiles, e.g. made with
``gdal_translate -of MBTILES`` from an orthophoto, or exported from a tile server) and the
maps draw it under the boundaries; by default no tiles are used and nothing is ever
fetched from the internet. MBTiles stores rows bottom-up (TMS), the web asks top-down (XYZ);
a tile the file does not hold is answered "204 No Content", which the map draws as empty.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask import Blueprint, Response, abort, has_app_context

from ioc.app_context import current_settings

tiles = Blueprint("tiles", __name__)
TILE_PATH = "/tiles/{z}/{x}/{y}"
MIME = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}


def read_tile(path: Path, z: int, x: int, y: int) -> tuple[bytes, str] | None:
    """The tile at XYZ ``z/x/y`` and its MIME type, or None when the file has none."""
    if not (0 <= z <= 24 and 0 <= x < 2**z and 0 <= y < 2**z):
        return None
    uri = f"file:{path}?mode=ro"
    with sqlite3.connect(uri, uri=True) as db:
        row = db.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
            (z, x, 2**z - 1 - y),
        ).fetchone()
        fmt = db.execute("SELECT value FROM metadata WHERE name='format'").fetchone()
    if row is None:
        return None
    return bytes(row[0]), MIME.get(fmt[0] if fmt else "png", "image/png")


def tile_url_template() -> str | None:
    """The tile URL for the map style when an MBTiles file is configured, else None."""
    if not has_app_context() or not current_settings().web.mbtiles:
        return None
    return TILE_PATH


@tiles.get("/tiles/<int:z>/<int:x>/<int:y>")
def serve_tile(z: int, x: int, y: int) -> Response:
    source = current_settings().web.mbtiles
    if not source:
        abort(404)
    found = read_tile(Path(source), z, x, y)
    if found is None:  # outside the file's coverage: an empty tile, not an error
        return Response(status=204)
    data, mime = found
    response = Response(data, mimetype=mime)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
