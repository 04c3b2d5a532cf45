"""Administrative-unit layers: unit polygons as a filled map trace or as outlines.

Pure functions from unit rows (anything with ``code``, ``name`` and a shapely ``geom``,
such as ``ioc.store.models.AdminUnit``) to plotly ``map`` traces. Polygons are simplified
and rounded so a province of a hundred-odd units stays a light figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any, Protocol

import plotly.graph_objects as go
import shapely

from ioc import cache

SIMPLIFY_DEG = 0.001  # about 100 m: invisible at province zoom
DECIMALS = 5
FILL = "rgba(56, 189, 248, 0.10)"
LINE = "rgba(125, 211, 252, 0.75)"
OUTLINE = "rgba(251, 191, 36, 0.9)"


class Area(Protocol):
    """The part of a unit row a layer needs."""

    @property
    def code(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def geom(self) -> shapely.Geometry: ...


def _light(geom: shapely.Geometry, tolerance: float) -> shapely.Geometry:
    simple = geom.simplify(tolerance, preserve_topology=True) if tolerance > 0 else geom
    return shapely.set_precision(simple, 10**-DECIMALS)


_GEOMETRIES: cache.Cache[dict[str, Any]] = cache.register(
    "layers.geometries",
    holds="a boundary's simplified GeoJSON geometry, by its WKB and the tolerance",
    stale_when="never: keyed by the shape itself (the TTL only frees shapes no map draws)",
    ttl_s=86_400.0,
    limit=4096,
)


def light_geojson(geom: shapely.Geometry, tolerance: float) -> dict[str, Any]:
    """The simplified GeoJSON geometry, kept per shape: boundaries change once in years,
    maps are drawn many times a minute."""
    key = (shapely.to_wkb(geom), tolerance)
    return _GEOMETRIES.get_or_put(key, lambda: shapely.geometry.mapping(_light(geom, tolerance)))


def feature_collection(areas: Iterable[Area], tolerance: float = SIMPLIFY_DEG) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the areas, each feature's id being the unit code."""
    features = [
        {
            "type": "Feature",
            "id": area.code,
            "properties": {"name": area.name},
            "geometry": light_geojson(area.geom, tolerance),
        }
        for area in areas
    ]
    return {"type": "FeatureCollection", "features": features}


def area_fill_trace(
    areas: Sequence[Area],
    name: str,
    *,
    fill: str = FILL,
    line: str = LINE,
    tolerance: float = SIMPLIFY_DEG,
) -> go.Choroplethmap:
    """One choropleth trace drawing every area in one colour, with the unit name on hover."""
    return go.Choroplethmap(
        _validate=False,
        geojson=feature_collection(areas, tolerance),
        locations=[area.code for area in areas],
        z=[1] * len(areas),
        text=[escape(area.name) for area in areas],
        hovertemplate="<b>%{text}</b><extra></extra>",
        colorscale=[[0, fill], [1, fill]],
        zmin=0,
        zmax=1,
        showscale=False,
        marker={"line": {"color": line, "width": 1.2}},
        name=name,
        showlegend=False,
        uid="areas-fill",
    )


def _rings(geom: shapely.Geometry) -> Iterable[Sequence[tuple[float, float]]]:
    for polygon in getattr(geom, "geoms", [geom]):
        if isinstance(polygon, shapely.Polygon) and not polygon.is_empty:
            yield list(polygon.exterior.coords)
            for hole in polygon.interiors:
                yield list(hole.coords)


def area_outline_trace(
    areas: Sequence[Area],
    name: str,
    *,
    color: str = OUTLINE,
    width: float = 2.5,
    tolerance: float = SIMPLIFY_DEG,
    visible: bool = True,
) -> go.Scattermap:
    """Every area's boundary as one line trace (rings separated by gaps), no hover."""
    lons: list[float | None] = []
    lats: list[float | None] = []
    for area in areas:
        for ring in _rings(_light(area.geom, tolerance)):
            lons.extend(x for x, _ in ring)
            lats.extend(y for _, y in ring)
            lons.append(None)
            lats.append(None)
    return go.Scattermap(
        _validate=False,
        lon=lons,
        lat=lats,
        mode="lines",
        line={"color": color, "width": width},
        hoverinfo="skip",
        name=name,
        showlegend=False,
        visible=visible,
        uid="areas-outline",
    )


# Deep blue (low) → light sky blue (high): the red, green and amber markers of cameras,
# incidents and reports stay readable on top. The first twentieth is the "no data" grey.
NO_DATA = "#3a4350"
GOOD_SCALE = ((0.0, "#0b1f3a"), (0.35, "#173f6e"), (0.7, "#2f7fc1"), (1.0, "#8fd3ff"))
COUNT_SCALE = ((0.0, "#0b1f3a"), (0.5, "#1f5f99"), (1.0, "#8fd3ff"))
GAP = 0.05


def _scale_with_gap(scale: Sequence[tuple[float, str]]) -> list[list[Any]]:
    shifted = [[GAP + (1 - GAP) * at, color] for at, color in scale]
    return [[0.0, NO_DATA], [GAP - 1e-6, NO_DATA], *shifted]


def value_choropleth_trace(
    areas: Sequence[Area],
    values: Mapping[str, float | None],
    name: str,
    *,
    no_data: str,
    counts: bool = False,
    value_format: str = "{:.1f}",
    tolerance: float = SIMPLIFY_DEG,
) -> go.Choroplethmap:
    """Every area coloured by its value; areas without one stay grey and say so on hover.

    ``counts`` picks a blue scale starting at zero (camera counts); otherwise the scale runs
    red → green over the values' range (KPI points).
    """
    known = [v for a in areas if (v := values.get(a.code)) is not None]
    low = 0.0 if counts or not known else min(known)
    high = max(known, default=1.0)
    high = high if high > low else low + 1.0
    floor = low - (high - low) * GAP / (1 - GAP)
    z = [values.get(a.code) for a in areas]
    labels = [value_format.format(v) if v is not None else no_data for v in z]
    return go.Choroplethmap(
        _validate=False,
        geojson=feature_collection(areas, tolerance),
        locations=[area.code for area in areas],
        z=[floor if v is None else v for v in z],
        text=[escape(area.name) for area in areas],
        customdata=labels,
        hovertemplate=f"<b>%{{text}}</b><br>{escape(name)}: %{{customdata}}<extra></extra>",
        colorscale=_scale_with_gap(COUNT_SCALE if counts else GOOD_SCALE),
        zmin=floor,
        zmax=high,
        showscale=True,
        colorbar={
            "orientation": "h",
            "x": 0.02,
            "xanchor": "left",
            "y": 0.1,
            "yanchor": "bottom",
            "len": 0.32,
            "thickness": 14,
            "outlinewidth": 0,
            "tickfont": {"size": 16, "color": "#e6edf7"},
            "bgcolor": "rgba(10,20,36,0.85)",
            "title": {"text": escape(name), "side": "top", "font": {"size": 16}},
        },
        marker={"line": {"color": LINE, "width": 1.0}, "opacity": 0.8},
        name=name,
        showlegend=False,
        uid="areas-fill",
    )
