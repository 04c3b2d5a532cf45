"""Pieces of the wall display: panels, the incident ticker and the new-incident alert.

Pure functions to Dash components. Everything is bounded (a wall runs for days): the
ticker carries at most :data:`TICKER_ITEMS` incidents and is replaced, never appended to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html

from ioc.aggregates.feeds import IncidentItem
from ioc.i18n import t
from ioc.pages.panels import data_attrs
from ioc.timeutil import format_local
from layers.incidents import severity_color, severity_label

TICKER_ITEMS = 8
PANELS = ("map", "status", "ranking")


def panel_names(lang: str) -> list[str]:
    return [t(f"wall.panel.{name}", lang) for name in PANELS]


def section(index: int, children: list[Any]) -> html.Section:
    active = " wall-panel-active" if index == 0 else ""
    return html.Section(children, id=f"wall-panel-{index}", className="wall-panel" + active)


def panels(lang: str) -> list[html.Section]:
    """The three rotating panels: map with cards, incidents and cameras, ranking."""
    heading = "wall-heading"
    return [
        section(
            0,
            [
                html.Div(
                    dcc.Graph(
                        id="wall-map",
                        config={"displayModeBar": False, "staticPlot": False},
                        className="wall-graph",
                    ),
                    className="wall-map",
                ),
                html.Div(id="wall-cards", className="wall-cards"),
            ],
        ),
        section(
            1,
            [
                html.Div(
                    [
                        html.H2(t("panel.incidents", lang), className=heading),
                        html.Div(id="wall-incidents"),
                    ],
                    className="wall-col",
                ),
                html.Div(
                    [
                        html.H2(t("overview.alarms", lang), className=heading),
                        html.Div(id="wall-alarms"),
                    ],
                    className="wall-col",
                ),
            ],
        ),
        section(
            2,
            [
                html.H2(id="wall-ranking-title", className=heading),
                html.Div(id="wall-ranking", className="wall-ranking"),
            ],
        ),
    ]


def incident_text(item: IncidentItem, names: Mapping[str, str], lang: str) -> str:
    unit = names.get(item.unit_code or "", "")
    parts = [format_local(item.opened_at, "%H:%M"), item.title or item.kind, unit]
    parts.append(severity_label(item.severity, lang))
    return " · ".join(part for part in parts if part)


def ticker(items: Sequence[IncidentItem], names: Mapping[str, str], lang: str) -> list[Any]:
    """The newest incidents as one scrolling line (or the all-quiet text)."""
    if not items:
        return [html.Span(t("wall.ticker_empty", lang), className="wall-ticker-quiet")]
    return [
        html.Span(
            incident_text(item, names, lang),
            className="wall-ticker-item",
            style={"borderLeftColor": severity_color(item.severity)},
            **data_attrs(incident_id=item.id),
        )
        for item in items[:TICKER_ITEMS]
    ]


def alert(item: IncidentItem, names: Mapping[str, str], lang: str) -> list[Any]:
    """The full-screen card of a new incident."""
    return [
        html.Div(t("wall.new_incident", lang), className="wall-alert-kicker"),
        html.Div(item.title or item.kind, className="wall-alert-title"),
        html.Div(
            " · ".join(
                part
                for part in (
                    severity_label(item.severity, lang),
                    names.get(item.unit_code or "", ""),
                    format_local(item.opened_at, "%H:%M:%S"),
                )
                if part
            ),
            className="wall-alert-meta",
        ),
    ]


def newest_unseen(items: Sequence[IncidentItem], seen: int | None) -> IncidentItem | None:
    """The newest incident with an id above ``seen`` (None on the first look)."""
    if seen is None:
        return None
    fresh = [item for item in items if item.id > seen]
    return max(fresh, key=lambda item: item.id) if fresh else None
