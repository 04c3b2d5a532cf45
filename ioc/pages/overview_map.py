"""The operations map shared by the overview, the unit IOC and the wall display.

Traces sit at fixed positions (:data:`TRACE`) so a page patches one layer without
resending the figure: units coloured by a KPI (0), pre-2025 district outlines (1), cameras
by status (2-4), camera view cones (5), citizen reports (6), sensor stations (7) and
incidents, halo and core, on top (8-9). A layer switched off is only made invisible.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from math import log2
from typing import Any

import plotly.graph_objects as go
from dash import Patch

from ioc.aggregates.feeds import IncidentItem, StationReading
from ioc.aggregates.reports import Cell, ReportPoint
from ioc.i18n import t
from ioc.store.cameras import CameraState
from ioc.store.models import AdminUnit
from layers import dark_basemap
from layers.areas import area_outline_trace, value_choropleth_trace
from layers.cameras import camera_traces, cone_trace
from layers.incidents import incident_traces
from layers.reports import cell_trace, report_trace
from layers.sensors import sensor_trace
from layers.tiles import tile_url_template

TRACE = {"areas": 0, "districts": 1, "cameras": 2, "cones": 5, "reports": 6, "sensors": 7}
TRACE["incidents"] = 8
LAYER_TRACES: dict[str, tuple[int, ...]] = {
    "cameras": (2, 3, 4, 5),
    "reports": (6,),
    "sensors": (7,),
    "incidents": (8, 9),
}
LAYER_NAMES = tuple(LAYER_TRACES)
FONT = '"Noto Sans", "DejaVu Sans", "Liberation Sans", Arial, sans-serif'
DEFAULT_VIEW = {"center": {"lon": 108.1, "lat": 11.6}, "zoom": 7.2}
DARK_STYLE = dark_basemap()


@dataclass
class MapData:
    """Everything one map shows, read by the page's refresh."""

    areas: Sequence[AdminUnit]
    districts: Sequence[AdminUnit]
    values: Mapping[str, float | None]
    metric_label: str
    counts_metric: bool
    states: Sequence[CameraState]
    names: Mapping[str, str]
    incidents: Sequence[IncidentItem] = ()
    reports: Sequence[ReportPoint] | Sequence[Cell] = ()
    sensors: Sequence[StationReading] = ()
    layers: Sequence[str] = field(default_factory=lambda: list(LAYER_NAMES))


def map_view(areas: Sequence[AdminUnit], size_px: tuple[int, int]) -> dict[str, Any]:
    """Centre and zoom that fit the areas in a map of ``size_px`` pixels."""
    if not areas:
        return dict(DEFAULT_VIEW)
    west, south = min(a.min_lon for a in areas), min(a.min_lat for a in areas)
    east, north = max(a.max_lon for a in areas), max(a.max_lat for a in areas)
    span = max(east - west, (north - south) * 1.02, 1e-3)
    zoom = log2(min(size_px) * 360 / (512 * span)) - 0.15
    return {"center": {"lon": (west + east) / 2, "lat": (south + north) / 2}, "zoom": zoom}


def area_trace(data: MapData, lang: str) -> go.Choroplethmap:
    fmt = "{:.0f}" if data.counts_metric else "{:.1f}"
    return value_choropleth_trace(
        data.areas,
        data.values,
        data.metric_label,
        no_data=t("common.no_data", lang),
        counts=data.counts_metric,
        value_format=fmt,
    )


def report_layer_trace(reports: Sequence[ReportPoint] | Sequence[Cell], lang: str) -> Any:
    if reports and isinstance(reports[0], Cell):
        return cell_trace([r for r in reports if isinstance(r, Cell)], lang)
    return report_trace([r for r in reports if isinstance(r, ReportPoint)], lang)


def feed_traces(
    data: MapData, lang: str, only: Sequence[str] = LAYER_NAMES, marker_scale: float = 1.0
) -> dict[str, list[Any]]:
    """The live layers named in ``only``, by layer name (cameras include their cones);
    ``marker_scale`` enlarges every marker (a 4K wall draws them twice as big)."""
    build = {
        "cameras": lambda: [
            *camera_traces(data.states, lang, data.names),
            cone_trace(data.states, t("layer.cones", lang)),
        ],
        "reports": lambda: [report_layer_trace(data.reports, lang)],
        "sensors": lambda: [sensor_trace(data.sensors, lang)],
        "incidents": lambda: incident_traces(data.incidents, lang, data.names),
    }
    traces = {name: build[name]() for name in LAYER_NAMES if name in only}
    if marker_scale != 1.0:
        for layer in traces.values():
            for trace in layer:
                scale_markers(trace, marker_scale)
    return traces


def scale_markers(trace: Any, factor: float) -> None:
    """Multiply a trace's marker size (one number or one per point) by ``factor``."""
    marker = getattr(trace, "marker", None)
    size = getattr(marker, "size", None)
    if isinstance(size, int | float):
        marker.size = size * factor  # type: ignore[union-attr]
    elif isinstance(size, list | tuple):
        marker.size = [value * factor for value in size]  # type: ignore[union-attr]


def build_map(
    data: MapData,
    lang: str,
    *,
    show_districts: bool = False,
    size_px: tuple[int, int] = (1380, 980),
    legend: bool = True,
    marker_scale: float = 1.0,
) -> go.Figure:
    """The whole map, every trace at its :data:`TRACE` position."""
    areas = area_trace(data, lang)
    areas.showscale = legend
    traces: list[Any] = [
        areas,
        area_outline_trace(
            data.districts, t("overview.districts_legend", lang), visible=show_districts
        ),
    ]
    for name, layer in feed_traces(data, lang, marker_scale=marker_scale).items():
        for trace in layer:
            trace.visible = name in data.layers
            traces.append(trace)
    figure = go.Figure(traces, layout=base_layout(legend), _validate=False)
    view = map_view(data.areas or data.districts, size_px)
    figure.update_layout(map={"style": map_style(), **view})
    return figure


def map_style() -> dict[str, Any]:
    """The dark style, with the self-hosted raster base map when one is configured."""
    tiles = tile_url_template()
    return dark_basemap(tiles=tiles) if tiles else DARK_STYLE


def base_layout(legend: bool = True) -> dict[str, Any]:
    """Map style, fonts and legend shared by every map."""
    return {
        "template": "none",
        "map": {"style": map_style(), **DEFAULT_VIEW},
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": FONT, "color": "#e6edf7", "size": 18},
        "hoverlabel": {"font": {"family": FONT, "size": 20}, "bgcolor": "#111c2e"},
        "showlegend": legend,
        "legend": {
            "x": 0.012,
            "y": 0.985,
            "bgcolor": "rgba(10, 20, 36, 0.85)",
            "bordercolor": "#2a3b55",
            "borderwidth": 1,
            "font": {"size": 20},
            "itemsizing": "constant",
            "traceorder": "reversed",
        },
        "uirevision": "map",
    }


def empty_figure() -> dict[str, Any]:
    """A blank, transparent figure shown until the first refresh.

    It has no map on purpose: the map is created once, with its data, by the first
    refresh (replacing a map whose style is still loading makes MapLibre fail).
    """
    hidden = {"visible": False}
    return {
        "data": [],
        "layout": {
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
            "xaxis": hidden,
            "yaxis": hidden,
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        },
    }


def layer_patch(
    data: MapData, lang: str, changed: Sequence[str], marker_scale: float = 1.0
) -> Patch:
    """A patch replacing only the traces of the ``changed`` layers (visibility kept)."""
    patch = Patch()
    traces = feed_traces(data, lang, changed, marker_scale)
    for name in traces:
        for index, trace in zip(LAYER_TRACES[name], traces[name], strict=True):
            trace.visible = name in data.layers
            patch["data"][index] = trace.to_plotly_json()
    return patch


def visibility_patch(layers: Sequence[str] | None) -> Patch:
    """Show the chosen layers and hide the others."""
    patch = Patch()
    chosen = set(layers or ())
    for name, indexes in LAYER_TRACES.items():
        for index in indexes:
            patch["data"][index]["visible"] = name in chosen
    return patch


def area_patch(data: MapData, lang: str) -> Patch:
    """A patch recolouring the unit fill (a new KPI was chosen)."""
    patch = Patch()
    patch["data"][TRACE["areas"]] = area_trace(data, lang).to_plotly_json()
    return patch
