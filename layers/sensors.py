"""Sensor layer: each station's latest reading (rain, water level, PM2.5...) as a marker.

A pure function from :class:`ioc.aggregates.feeds.StationReading` values to one plotly
``Scattermap`` trace; the hover tells the station, the quantity, the value and when it
was measured (local time).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import plotly.graph_objects as go

from ioc.aggregates.feeds import StationReading
from ioc.i18n import t
from ioc.timeutil import format_local

COLOR = "#2dd4bf"


def reading_text(reading: StationReading, lang: str) -> str:
    value = f"{reading.value:g} {escape(reading.unit)}".strip()
    return (
        f"<b>{escape(reading.station_id)}</b><br>{escape(reading.quantity)}: {value}<br>"
        f"{t('sensor.hover.time', lang)}: {format_local(reading.observed_at)}"
    )


def sensor_trace(readings: Sequence[StationReading], lang: str) -> go.Scattermap:
    """The stations as teal markers (one per station)."""
    return go.Scattermap(
        _validate=False,
        lon=[r.lon for r in readings],
        lat=[r.lat for r in readings],
        customdata=[r.station_id for r in readings],
        text=[reading_text(r, lang) for r in readings],
        hovertemplate="%{text}<extra></extra>",
        mode="markers",
        marker={"size": 16, "color": COLOR, "opacity": 0.95},
        name=t("layer.sensors", lang),
        meta="sensors",
        uid="sensors",
        showlegend=True,
    )
