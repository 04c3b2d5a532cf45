"""Incident layer: open incidents as large markers with a halo, coloured by severity.

Pure functions from :class:`ioc.aggregates.feeds.IncidentItem` values to two plotly
``Scattermap`` traces (halo below, core on top) so incidents stand out above every other
layer; incidents without a position are left out of the map (they still show in lists).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

import plotly.graph_objects as go

from ioc.aggregates.feeds import IncidentItem
from ioc.i18n import TEXTS, t
from ioc.timeutil import format_local

SEVERITY_COLORS = {
    "critical": "#ff2d55",
    "high": "#ff7a00",
    "medium": "#ffc300",
    "low": "#e9e46b",
}
DEFAULT_COLOR = "#ff7a00"


def severity_color(severity: str) -> str:
    return SEVERITY_COLORS.get(severity, DEFAULT_COLOR)


def severity_label(severity: str, lang: str) -> str:
    key = f"incident.severity.{severity}"
    return t(key, lang) if key in TEXTS else severity


def status_label(status: str, lang: str) -> str:
    key = f"incident.status.{status}"
    return t(key, lang) if key in TEXTS else status


def hover_text(item: IncidentItem, lang: str, unit_names: Mapping[str, str]) -> str:
    unit = unit_names.get(item.unit_code or "", item.unit_code or "")
    lines = [
        f"<b>#{item.id} {escape(item.title or item.kind)}</b>",
        f"{severity_label(item.severity, lang)} · {status_label(item.status, lang)}",
        f"{t('incident.hover.opened', lang)}: {format_local(item.opened_at)}",
    ]
    if unit:
        lines.insert(1, escape(unit))
    return "<br>".join(lines)


def incident_traces(
    items: Sequence[IncidentItem], lang: str, unit_names: Mapping[str, str]
) -> list[go.Scattermap]:
    """``[halo, core]``: the same incidents twice, a soft wide ring under a bright dot."""
    placed = [item for item in items if item.lon is not None and item.lat is not None]
    colors = [severity_color(item.severity) for item in placed]
    common = {
        "lon": [item.lon for item in placed],
        "lat": [item.lat for item in placed],
        "mode": "markers",
        "legendgroup": "incidents",
    }
    halo = go.Scattermap(
        _validate=False,
        **common,
        marker={"size": 56, "color": colors, "opacity": 0.3},
        hoverinfo="skip",
        showlegend=False,
        name=t("layer.incidents.name", lang),
        meta="incidents-halo",
        uid="incidents-halo",
    )
    core = go.Scattermap(
        _validate=False,
        **common,
        customdata=[item.id for item in placed],
        text=[hover_text(item, lang, unit_names) for item in placed],
        hovertemplate="%{text}<extra></extra>",
        marker={"size": 26, "color": colors, "opacity": 1.0},
        showlegend=True,
        name=t("layer.incidents.name", lang),
        meta="incidents",
        uid="incidents-core",
    )
    return [halo, core]
