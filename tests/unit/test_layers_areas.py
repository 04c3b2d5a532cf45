"""Unit polygons become one fill trace and one outline trace (made-up units)."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import shapely

from layers import load_layer
from layers.areas import area_fill_trace, area_outline_trace, feature_collection


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    geom: shapely.Geometry


UNITS = [
    Unit("W1", "Phường Xuân Hương - Đà Lạt", shapely.box(108.40, 11.90, 108.45, 11.95)),
    Unit(
        "W2",
        "Xã Lạc Dương",
        shapely.MultiPolygon(
            [shapely.box(108.45, 11.90, 108.50, 11.95), shapely.box(108.6, 12.0, 108.7, 12.1)]
        ),
    ),
]


def test_feature_collection_has_one_feature_per_unit_keyed_by_code() -> None:
    collection = feature_collection(UNITS)
    assert collection["type"] == "FeatureCollection"
    assert [f["id"] for f in collection["features"]] == ["W1", "W2"]
    assert collection["features"][1]["geometry"]["type"] == "MultiPolygon"
    assert collection["features"][0]["properties"]["name"] == "Phường Xuân Hương - Đà Lạt"


def test_fill_trace_shows_unit_names_on_hover() -> None:
    trace = area_fill_trace(UNITS, "Xã, phường")
    assert isinstance(trace, go.Choroplethmap)
    assert list(trace.locations) == ["W1", "W2"]
    assert list(trace.text) == ["Phường Xuân Hương - Đà Lạt", "Xã Lạc Dương"]
    assert "%{text}" in trace.hovertemplate
    assert trace.showscale is False


def test_hover_names_are_escaped() -> None:
    trace = area_fill_trace([Unit("X", "A <b> & B", shapely.box(0, 0, 1, 1))], "units")
    assert list(trace.text) == ["A &lt;b&gt; &amp; B"]


def test_outline_trace_separates_rings_with_gaps() -> None:
    trace = area_outline_trace(UNITS, "Huyện", visible=False)
    assert isinstance(trace, go.Scattermap)
    assert trace.mode == "lines"
    assert trace.visible is False
    lons = list(trace.lon)
    assert lons.count(None) == 3  # three polygons, one ring each
    assert len(lons) == 3 * 5 + 3


def test_empty_input_gives_empty_but_valid_traces() -> None:
    fill = area_fill_trace([], "units")
    outline = area_outline_trace([], "districts")
    assert list(fill.locations) == [] and fill.geojson["features"] == []
    assert list(outline.lon) == []
    go.Figure([fill, outline]).to_json()  # plotly accepts them


def test_layers_are_found_by_short_name() -> None:
    assert load_layer("areas").area_fill_trace is area_fill_trace
