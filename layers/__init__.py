"""Map layers: each turns store queries into plotly traces for the map.

:data:`LAYERS` maps a layer's short name to its module, imported only when asked for.
:func:`dark_basemap` is the MapLibre style every map is drawn on: a plain background and
nothing that is fetched from the internet (no tiles, no sprites).
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType
from typing import Any

# Plotly adds a symbol layer per trace, and MapLibre rejects a restyled map whose symbol
# layers have no glyphs URL; the web app answers this one locally with empty glyph sets.
GLYPHS_PATH = "/map-glyphs"
BACKGROUND = "#0a1424"
ANCHOR = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [108.44, 11.94]}}

LAYERS: dict[str, str] = {
    "areas": "layers.areas",
    "cameras": "layers.cameras",
    "kpi": "layers.kpi",
    "incidents": "layers.incidents",
    "sensors": "layers.sensors",
}


def load_layer(name: str) -> ModuleType:
    """The module of the layer called ``name`` (``KeyError`` for an unknown name)."""
    return import_module(LAYERS[name])


def dark_basemap(background: str = BACKGROUND, tiles: str | None = None) -> dict[str, Any]:
    """A MapLibre style with one background layer and a local glyphs URL; with ``tiles``
    (a local ``/tiles/{z}/{x}/{y}`` URL template) a raster base map above the background."""
    style: dict[str, Any] = {
        "version": 8,
        "name": "ioc-dark",
        "glyphs": GLYPHS_PATH + "/{fontstack}/{range}.pbf",
        # Never empty: plotly prunes empty objects from the layout, MapLibre then rejects
        # the style for lacking "sources" and plotly reports "Map error." on each update.
        "sources": {"ioc-anchor": {"type": "geojson", "data": ANCHOR}},
        "layers": [
            {"id": "background", "type": "background", "paint": {"background-color": background}}
        ],
    }
    if tiles:
        style["sources"]["ioc-base"] = {"type": "raster", "tiles": [tiles], "tileSize": 256}
        style["layers"].append(
            {
                "id": "ioc-base",
                "type": "raster",
                "source": "ioc-base",
                "paint": {"raster-opacity": 0.55},
            }
        )
    return style
