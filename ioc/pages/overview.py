"""Page ``/``: the province overview: KPI choropleth, live layers and the control panel.

The map (see :mod:`ioc.pages.overview_map`) colours today's units by a chosen Decision 766
score and carries cameras with their view cones, open incidents, citizen reports and
sensor stations, each layer switchable. Every ``web.refresh_s`` seconds the page asks the
store for each feed's version (:func:`ioc.pages.map_data.versions`); when nothing changed
it sends no figure at all, otherwise it patches only the changed layers and panel parts.
The open violation cases (by step, and how many are overdue) are counted apart, with the
unit page's query, and sent only when they changed.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import dash
from dash import Input, Output, Patch, State, callback, dcc, html
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ioc import cache
from ioc.app_context import LANG_STORE_ID, aria_label, current_settings, current_store
from ioc.auth.guard import province_wide
from ioc.camera_status import CameraStatus
from ioc.i18n import language_or_default, t
from ioc.pages import incident_desk, map_data
from ioc.pages.access import province_only, viewer
from ioc.pages.camera_panel import alarm_items, counter, counts, status_items
from ioc.pages.case_views import fingerprint, summary_view
from ioc.pages.kpi_cache import group_keys, metric_max, metric_name
from ioc.pages.overview_map import (
    LAYER_NAMES,
    TRACE,
    MapData,
    area_patch,
    area_trace,
    build_map,
    empty_figure,
    layer_patch,
    visibility_patch,
)
from ioc.pages.panels import cards, data_attrs, incident_queue, ranking, updated_text
from ioc.pages.states import failed, only
from ioc.timeutil import utcnow
from ioc.violations.queries import open_counts
from layers.cameras import STATUS_ORDER

CAMERA_TRACE_START = TRACE["cameras"]
__all__ = ["data_attrs", "layout", "refresh", "refresh_at"]  # data_attrs: used by /reports
DEFAULT_METRIC = "total"
RANKED = 8


def metric_options(lang: str) -> list[dict[str, str]]:
    keys = ["total", *group_keys(), "cameras"]
    return [{"label": metric_name(key, lang), "value": key} for key in keys]


def layer_options(lang: str) -> list[dict[str, str]]:
    return [{"label": t(f"layer.{name}", lang), "value": name} for name in LAYER_NAMES]


def controls(lang: str) -> html.Div:
    """Metric picker and layer switches, floating over the map."""
    return html.Div(
        [
            html.Label(t("metric.label", lang), htmlFor="overview-metric"),
            dcc.Dropdown(
                id="overview-metric",
                options=metric_options(lang),
                value=DEFAULT_METRIC,
                clearable=False,
                searchable=False,
                className="overview-metric",
            ),
            html.Div(t("layers.label", lang), className="overview-controls-label"),
            dcc.Checklist(
                id="overview-layers",
                options=layer_options(lang),
                value=list(LAYER_NAMES),
                className="overview-layers",
            ),
        ],
        className="overview-controls",
    )


def panel(lang: str) -> Any:
    """Counters, province cards, incident queue, alarms and ranking (filled by refresh)."""
    heading = "overview-heading"
    live = html.Div(
        [
            html.H2(t("overview.cameras", lang), className=heading),
            html.Div(
                [counter(status, lang) for status in reversed(STATUS_ORDER)],
                className="overview-counters",
            ),
            html.H2(t("overview.alarms", lang), className=heading),
            html.Div(id="overview-alarms"),
            html.H2(t("panel.incidents", lang), className=heading),
            html.Div(id="overview-incidents", className="overview-incidents"),
            incident_desk.desk("overview", lang),
        ],
        className="overview-column",
    )
    province = html.Div(
        [
            html.H2(t("panel.province", lang), className=heading),
            html.Div(t("common.loading", lang), id="overview-cards", className="overview-cards"),
            html.H2(t("case.counts.title", lang), className=heading),
            html.Div(id="overview-cases", className="overview-cases"),
            dcc.Store(id="overview-cases-version", data=None),
            html.H2(t("panel.ranking", lang), className=heading),
            html.Div(id="overview-ranking", className="overview-ranking"),
            dcc.Link(
                t("iocs.network_link", lang),
                href="/ioc",
                id="overview-iocs-link",
                className="overview-iocs-link",
            ),
            html.P(id="overview-updated", className="overview-updated"),
        ],
        className="overview-column",
    )
    return html.Aside(
        [live, province, html.Ul(id="overview-camera-status", hidden=True)],
        className="overview-panel",
    )


def layout(lang: str = "vi", **_query: Any) -> Any:
    """The page skeleton in ``lang``; the first :func:`refresh` fills the map and the panel.

    The skeleton reads nothing from the store: Dash also renders it to validate callbacks.
    """
    refresh_ms = int(current_settings().web.refresh_s * 1000)
    graph_config: Any = {"displayModeBar": False, "scrollZoom": True, "responsive": True}
    return html.Div(
        [
            html.Div(
                [
                    dcc.Graph(
                        id="overview-map",
                        figure=empty_figure(),
                        config=graph_config,
                        className="overview-graph",
                    ),
                    controls(lang),
                    dcc.Checklist(
                        id="overview-districts",
                        options=[{"label": t("overview.show_districts", lang), "value": "on"}],
                        value=[],
                        className="overview-toggle",
                    ),
                ],
                className="overview-map-wrap",
                role="region",
                **aria_label(t("overview.map_label", lang)),
            ),
            panel(lang),
            dcc.Interval(id="overview-interval", interval=refresh_ms),
            dcc.Store(id="overview-version", data=None),
        ],
        className="overview",
    )


OUTPUTS = {
    "figure": Output("overview-map", "figure"),
    "online": Output("overview-count-online", "children"),
    "offline": Output("overview-count-offline", "children"),
    "alarm": Output("overview-count-alarm", "children"),
    "alarms": Output("overview-alarms", "children"),
    "camera_status": Output("overview-camera-status", "children"),
    "version": Output("overview-version", "data"),
    "updated": Output("overview-updated", "children"),
    "cards": Output("overview-cards", "children"),
    "incidents": Output("overview-incidents", "children"),
    "ranking": Output("overview-ranking", "children"),
}


@callback(
    output=OUTPUTS,
    inputs=[Input("overview-interval", "n_intervals")],
    state=[
        State("overview-version", "data"),
        State(LANG_STORE_ID, "data"),
        State("overview-districts", "value"),
        State("overview-metric", "value"),
        State("overview-layers", "value"),
    ],
)
def refresh(
    _n: int | None,
    version: dict[str, str] | None,
    lang: str | None,
    districts: list[str] | None,
    metric: str | None,
    layers: list[str] | None,
) -> dict[str, Any]:
    """Fill the page, then re-read only the feeds whose version moved."""
    chosen = language_or_default(lang)
    try:
        return refresh_at(
            utcnow(),
            version,
            chosen,
            bool(districts),
            checked_metric(metric),
            layers if isinstance(layers, list) else None,
        )
    except SQLAlchemyError as exc:
        return only(OUTPUTS, updated=t("common.error", chosen, reason=type(exc).__name__))


def refresh_at(  # noqa: PLR0917 - tests call it positionally, like the callback
    now: datetime,
    version: dict[str, str] | None,
    lang: str,
    show_districts: bool = False,
    metric: str = DEFAULT_METRIC,
    layers: list[str] | None = None,
) -> dict[str, Any]:
    """:func:`refresh` at a given moment (so tests can fix the time).

    ``version`` is None on the first call after the page is rendered: the whole figure is
    sent once; afterwards only patches of the changed layers, and nothing when unchanged.
    What a refresh sends depends only on the new versions, which feeds changed and the
    page's choices (and whether the reader may act on incidents: the desk's buttons), so it
    is built once per process for every page in the same state (a control room of 50
    screens costs one build per change, not 50).
    """
    principal = viewer()
    if not province_wide(principal):
        return {
            "figure": empty_figure(),
            "online": "–",
            "offline": "–",
            "alarm": "–",
            "alarms": None,
            "camera_status": [],
            "version": None,
            "updated": "",
            "cards": province_only(lang),
            "incidents": None,
            "ranking": None,
        }
    with current_store().session() as session:
        new_version = map_data.versions(session, now)
        changed = map_data.changed_feeds(version, new_version)
        if not changed:
            return only(OUTPUTS, updated=updated_text(now, lang))
        first = version is None or not isinstance(version, dict)
        key = (
            str(session.get_bind().engine.url),
            json.dumps(new_version, sort_keys=True),
            "first" if first else ",".join(sorted(changed)),
            lang,
            str(show_districts),
            metric,
            json.dumps(layers),
            "act" if principal and principal.may_change else "read",
        )
        built = _BUILT.get(key)
        if built is None:
            choices = (show_districts, metric, layers)
            built = _build(
                session,
                now,
                lang,
                first=first,
                changed=changed,
                new_version=new_version,
                choices=choices,
            )
            _BUILT.put(key, built)
    return {**built, "updated": updated_text(now, lang)}


_BUILT: cache.Cache[dict[str, Any]] = cache.register(
    "overview.refresh",
    holds="a refresh's outputs by database, feed versions, changed feeds, language, the "
    "page's choices and whether the reader may act",
    stale_when="never within its key (a write moves a feed's version: a new key)",
    ttl_s=map_data.PAGE_CACHE_S,
    limit=32,
)


def _build(
    session: Session,
    now: datetime,
    lang: str,
    *,
    first: bool,
    changed: set[str],
    new_version: dict[str, str],
    choices: tuple[bool, str, list[str] | None],
) -> dict[str, Any]:
    """The outputs of a refresh that found ``changed`` feeds (see :func:`refresh_at`)."""
    skip = dash.no_update
    show_districts, metric, layers = choices
    recolour = first or "kpi" in changed
    areas = (
        map_data.load_areas(session, map_data.local_today(now))
        if recolour
        else map_data.Areas([], [])
    )
    parts = set(LAYER_NAMES) if first else changed | {"cameras"}
    if recolour:
        parts.add("areas")
    data = map_data.read_map_data(
        session,
        now,
        lang,
        areas=areas,
        metric=metric,
        parts=parts,
        layers=layers,
        versions=new_version,
    )
    figure: Any = (
        build_map(data, lang, show_districts=show_districts)
        if first
        else figure_patch(data, lang, changed)
    )
    summary = map_data.summary_cards(session, now, data.states, lang, versions=new_version)
    rows = map_data.ranking_rows(session, now, metric, areas.current) if recolour else []
    numbers = counts(data.states)
    cameras: dict[str, Any] = (
        {
            "online": numbers[CameraStatus.ONLINE],
            "offline": numbers[CameraStatus.OFFLINE],
            "alarm": numbers[CameraStatus.ALARM],
            "alarms": alarm_items(data.states, data.names, lang),
            "camera_status": status_items(data.states),
        }
        if first or "cameras" in changed
        else {}
    )
    return only(
        OUTPUTS,
        figure=figure,
        **cameras,
        version=new_version,
        updated=updated_text(now, lang),
        cards=cards(summary, "overview-card"),
        incidents=incident_queue(
            data.incidents, data.names, lang, extra=incident_desk.row_button("overview", lang)
        )
        if "incidents" in parts
        else skip,
        ranking=ranking_view(rows, metric, lang) if recolour else skip,
    )


def figure_patch(data: MapData, lang: str, changed: set[str]) -> Patch:
    """Patch the changed live layers, and the unit colours when the scores moved."""
    patch = layer_patch(data, lang, [name for name in LAYER_NAMES if name in changed])
    if "kpi" in changed:
        patch["data"][TRACE["areas"]] = area_trace(data, lang).to_plotly_json()
    return patch


def ranking_view(rows: list[tuple[str, str, float | None]], metric: str, lang: str) -> Any:
    key = "total" if metric == "cameras" else metric
    return [
        html.P(metric_name(key, lang), className="overview-ranking-metric"),
        ranking(rows, lang, limit=RANKED, scale=metric_max(key)),
    ]


@callback(
    Output("overview-map", "figure", allow_duplicate=True),
    Input("overview-districts", "value"),
    prevent_initial_call=True,
)
def toggle_districts(value: list[str] | None) -> Patch:
    """Show or hide the pre-2025 district outlines without resending the figure (no data,
    only a visibility flag: no scope check needed)."""
    patch = Patch()
    patch["data"][TRACE["districts"]]["visible"] = bool(value)
    return patch


@callback(
    Output("overview-map", "figure", allow_duplicate=True),
    Input("overview-layers", "value"),
    prevent_initial_call=True,
)
def toggle_layers(value: list[str] | None) -> Patch:
    """Show the chosen layers, hide the others (a patch of ``visible`` flags only)."""
    return visibility_patch(value if isinstance(value, list) else None)


@callback(
    output={
        "figure": Output("overview-map", "figure", allow_duplicate=True),
        "ranking": Output("overview-ranking", "children", allow_duplicate=True),
    },
    inputs=[Input("overview-metric", "value")],
    state=[State(LANG_STORE_ID, "data")],
    prevent_initial_call=True,
)
def pick_metric(metric: str | None, lang: str | None) -> dict[str, Any]:
    """Recolour the units by the chosen KPI and rank them by it."""
    return pick_metric_at(utcnow(), checked_metric(metric), language_or_default(lang))


def checked_metric(metric: object) -> str:
    """The metric asked for when the page offers it, else the default (forged input)."""
    offered = {"total", "cameras", *group_keys()}
    return metric if isinstance(metric, str) and metric in offered else DEFAULT_METRIC


def pick_metric_at(now: datetime, metric: str, lang: str) -> dict[str, Any]:
    if not province_wide(viewer()):
        raise PreventUpdate
    with current_store().session() as session:
        areas = map_data.load_areas(session, map_data.local_today(now))
        data = map_data.read_map_data(
            session, now, lang, areas=areas, metric=metric, parts={"areas"}, layers=None
        )
        rows = map_data.ranking_rows(session, now, metric, areas.current)
    return {"figure": area_patch(data, lang), "ranking": ranking_view(rows, metric, lang)}


@callback(
    output={
        "cases": Output("overview-cases", "children"),
        "version": Output("overview-cases-version", "data"),
    },
    inputs={
        "_n": Input("overview-interval", "n_intervals"),
        "version": State("overview-cases-version", "data"),
        "lang": State(LANG_STORE_ID, "data"),
    },
)
def refresh_cases(_n: int | None, version: Any, lang: str | None) -> dict[str, Any]:
    """The province's open violation cases by step, and the overdue ones."""
    chosen = language_or_default(lang)
    try:
        return cases_at(utcnow(), version, chosen)
    except SQLAlchemyError as exc:  # the timer tries again
        return {"cases": failed(exc, chosen), "version": None}


def cases_at(now: datetime, version: Any, lang: str) -> dict[str, Any]:
    """:func:`refresh_cases` at a given moment: counted with the unit page's query
    (:func:`ioc.violations.queries.open_counts`); nothing sent while nothing changed."""
    principal = viewer()
    if principal is None or not province_wide(principal):
        return {"cases": None, "version": None}  # the cards say the page is the province's
    with current_store().session() as session:
        found = open_counts(session, principal.units, now)
    new_version = fingerprint(lang, found)
    if new_version == version:
        return {"cases": dash.no_update, "version": dash.no_update}
    return {"cases": summary_view(found, lang, "overview"), "version": new_version}
