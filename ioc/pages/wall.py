"""Page ``/wall?unit=<code>&rotate=<seconds>``: the unattended wall display of a control room.

Dark, large type sized from the screen height (1920×1080 and 3840×2160 alike), no
scrollbars, its own clock and data time. Panels rotate in the browser (a clientside
callback, no server round trip); the data refresh is the overview's "what changed"
pattern. A new incident takes the whole screen for :data:`ALERT_MS` and then joins the
ticker. Nothing grows: children are replaced, lists are bounded, the map is patched.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import dash
from dash import Input, Output, State, callback, clientside_callback, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from ioc.app_context import LANG_STORE_ID, current_settings, current_store
from ioc.auth.guard import refuses_unit, unit_code_or_none
from ioc.auth.principal import Principal
from ioc.i18n import language_or_default, t
from ioc.pages import map_data
from ioc.pages.access import denied, viewer
from ioc.pages.camera_panel import alarm_items
from ioc.pages.kpi_area import unit_index
from ioc.pages.kpi_cache import metric_max, metric_name
from ioc.pages.overview_map import LAYER_NAMES, build_map, empty_figure, layer_patch
from ioc.pages.panels import cards, incident_queue, ranking
from ioc.pages.states import only
from ioc.pages.unit import find_unit
from ioc.pages.wall_units import requested_units, rotation_plan
from ioc.pages.wall_views import PANELS, alert, newest_unseen, panel_names, panels, ticker
from ioc.store.models import AdminUnit
from ioc.timeutil import format_local, utcnow

DEFAULT_ROTATE_S = 20
MIN_ROTATE_S = 3
ALERT_MS = 12_000


def rotate_ms(rotate: Any) -> int:
    try:
        seconds = float(rotate)
    except (TypeError, ValueError):
        seconds = DEFAULT_ROTATE_S
    return int(max(MIN_ROTATE_S, seconds) * 1000)


def layout(
    lang: str = "vi",
    unit: str = "",
    rotate: Any = None,
    units: Any = "",
    rotate_units: Any = "",
    **_query: Any,
) -> Any:
    """The wall skeleton; :func:`refresh` fills it (nothing is read from the store here).

    ``units=a,b,c`` or ``rotate_units=children`` make it move to the next unit after each
    round of panels (:mod:`ioc.pages.wall_units`).
    """
    refresh_ms = int(current_settings().web.refresh_s * 1000)
    names = panel_names(lang)
    first = unit or next(iter(requested_units(units)), "")
    request = {"unit": unit, "units": units, "children": rotate_units}
    return html.Div(
        [
            html.Div(
                [
                    html.Div(className="shell-emblem"),
                    html.Div(
                        [
                            html.Div(t("app.short_title", lang), className="wall-kicker"),
                            html.H1(t("common.loading", lang), id="wall-title"),
                        ],
                        className="wall-titles",
                    ),
                    html.Div(
                        [
                            html.Div(names[0], id="wall-panel-name"),
                            html.Div(id="wall-plan-pos", className="wall-plan-pos"),
                        ],
                        className="wall-panel-name",
                    ),
                    html.Div(
                        [
                            html.Div(id="wall-clock", className="wall-clock"),
                            html.Div(id="wall-updated", className="wall-updated"),
                        ],
                        className="wall-time",
                    ),
                ],
                className="wall-top",
            ),
            html.Div(panels(lang), className="wall-stage"),
            html.Div(
                html.Div(id="wall-ticker", className="wall-ticker-track"), className="wall-ticker"
            ),
            html.Div(id="wall-alert", className="wall-alert"),
            dcc.Interval(id="wall-rotate", interval=rotate_ms(rotate)),
            dcc.Interval(id="wall-refresh", interval=refresh_ms),
            dcc.Interval(id="wall-tick", interval=1000),
            dcc.Store(id="wall-unit", data=first or None),
            dcc.Store(id="wall-request", data=request),
            dcc.Store(id="wall-plan", data=[]),
            dcc.Store(id="wall-screen", data=None),
            dcc.Store(id="wall-version", data=None),
            dcc.Store(id="wall-seen", data=None),
            dcc.Store(id="wall-alert-until", data=0),
            dcc.Store(id="wall-names", data=names),
        ],
        className="wall",
    )


OUTPUTS = {
    "figure": Output("wall-map", "figure"),
    "title": Output("wall-title", "children"),
    "cards": Output("wall-cards", "children"),
    "incidents": Output("wall-incidents", "children"),
    "alarms": Output("wall-alarms", "children"),
    "ranking_title": Output("wall-ranking-title", "children"),
    "ranking": Output("wall-ranking", "children"),
    "ticker": Output("wall-ticker", "children"),
    "alert": Output("wall-alert", "children"),
    "alert_until": Output("wall-alert-until", "data"),
    "seen": Output("wall-seen", "data"),
    "version": Output("wall-version", "data"),
    "updated": Output("wall-updated", "children"),
}


@callback(
    output=OUTPUTS,
    inputs=[
        Input("wall-refresh", "n_intervals"),
        Input("wall-screen", "data"),
        Input("wall-unit", "data"),
    ],
    state=[
        State("wall-version", "data"),
        State("wall-seen", "data"),
        State(LANG_STORE_ID, "data"),
    ],
)
def refresh(
    _n: int | None,
    screen: list[int] | None,
    unit: str | None,
    version: dict[str, str] | None,
    seen: int | None,
    lang: str | None,
) -> dict[str, Any]:
    """Fill the wall, then re-read only what changed; raise the alert for a new incident."""
    chosen = language_or_default(lang)
    seen = seen if isinstance(seen, int) and not isinstance(seen, bool) else None
    try:
        return refresh_at(utcnow(), version, seen, unit, chosen, screen)
    except SQLAlchemyError as exc:
        return only(OUTPUTS, updated=t("common.error", chosen, reason=type(exc).__name__))


def map_size(screen: list[int] | None) -> tuple[int, int]:
    """The map's pixels on this screen (the map takes about 64 % × 82 % of it); a screen
    that is not two sensible numbers (forged input) counts as 1920×1080."""
    width, height = 1920, 1080
    if isinstance(screen, list) and len(screen) >= 2:
        sizes = screen[:2]
        if all(isinstance(v, int | float) and 100 <= v <= 20_000 for v in sizes):
            width, height = int(sizes[0]), int(sizes[1])
    return int(width * 0.64), int(height * 0.8)


def marker_scale(map_px: tuple[int, int]) -> float:
    """How much bigger the map's markers are drawn than on a 1080p wall (text on the wall
    grows with the screen; without this a 4K wall's dots were half as big to the eye)."""
    return max(1.0, map_px[1] / map_size(None)[1])


def wall_unit(principal: Principal | None, unit: Any) -> Any:
    """The unit a wall shows: the one asked for, else a unit-bound principal's own unit
    (only a province-wide principal sees the whole province)."""
    if unit or principal is None or principal.province_wide:
        return unit or None
    return principal.unit_code


def refresh_at(  # noqa: PLR0917 - the callback's inputs, passed through
    now: datetime,
    version: dict[str, str] | None,
    seen: int | None,
    unit: str | None,
    lang: str,
    screen: list[int] | None = None,
) -> dict[str, Any]:
    """:func:`refresh` at a given moment (tests fix the time)."""
    skip = dash.no_update
    stamp = t("wall.updated", lang, time=format_local(now, "%H:%M:%S"))
    principal = viewer()
    unit = wall_unit(principal, unit)
    if principal is None or refuses_unit(principal, unit):
        return {
            **dict.fromkeys(OUTPUTS),
            "figure": empty_figure(),
            "title": denied(lang),
            "ticker": [],
            "alert_until": 0,
            "updated": "",
        }
    with current_store().session() as session:
        found = find_unit(session, unit) if unit_code_or_none(unit) else None
        code = found.code if found else None
        new_version = {**map_data.versions(session, now, code), "unit": code or ""}
        changed = map_data.changed_feeds(version, new_version)
        if not changed:
            return only(OUTPUTS, updated=stamp)
        # a rotation moved to another unit: draw it whole, without an alert for its past
        moved = isinstance(version, dict) and version.get("unit", "") != new_version["unit"]
        first = moved or not isinstance(version, dict)
        areas = (
            map_data.Areas([found], [])
            if found
            else map_data.load_areas(session, map_data.local_today(now))
        )
        parts = set(LAYER_NAMES) | {"areas"} if first else changed | {"cameras", "incidents"}
        data = map_data.read_map_data(
            session,
            now,
            lang,
            areas=areas,
            metric="total",
            parts=parts,
            layers=None,
            unit=code,
            versions=new_version,
        )
        size = map_size(screen)
        scale = marker_scale(size)
        figure: Any = (
            build_map(data, lang, size_px=size, legend=False, marker_scale=scale)
            if first
            else layer_patch(data, lang, [n for n in LAYER_NAMES if n in changed], scale)
        )
        summary = cards(
            map_data.summary_cards(session, now, data.states, lang, code, versions=new_version),
            "wall-card",
        )
        title, board = (
            ranking_panel(session, now, areas, found, lang, principal)
            if first or "kpi" in changed
            else (skip, skip)
        )
    fresh = None if moved else newest_unseen(data.incidents, seen)
    newest = max((item.id for item in data.incidents), default=seen or 0)
    return {
        "figure": figure,
        "title": found.name if found else t("panel.province", lang),
        "cards": summary,
        "incidents": incident_queue(data.incidents, data.names, lang, limit=5),
        "alarms": alarm_items(data.states, data.names, lang, limit=5),
        "ranking_title": title,
        "ranking": board,
        "ticker": ticker(data.incidents, data.names, lang),
        "alert": alert(fresh, data.names, lang) if fresh else skip,
        "alert_until": int(now.timestamp() * 1000) + ALERT_MS if fresh else skip,
        "seen": max(newest, seen or 0),
        "version": new_version,
        "updated": stamp,
    }


@callback(Output("wall-plan", "data"), Input("wall-request", "data"))
def plan(request: Any) -> list[str]:
    """The units to rotate through, cut to what the viewer may see ([]: no rotation)."""
    principal = viewer()
    asked = request if isinstance(request, dict) else {}
    unit = wall_unit(principal, asked.get("unit"))
    try:
        with current_store().session() as session:
            return rotation_plan(
                session,
                principal,
                unit if isinstance(unit, str) else None,
                asked,
                map_data.local_today(utcnow()),
            )
    except SQLAlchemyError:
        return []


def ranking_panel(  # noqa: PLR0917 - the wall's state, passed through
    session: Any,
    now: datetime,
    areas: map_data.Areas,
    found: AdminUnit | None,
    lang: str,
    principal: Principal,
) -> tuple[str, Any]:
    """(title, ranking) of the wall: the province's top 10; a ward's own score and rank;
    an area's (a former district's, an IOC's) own wards ranked."""
    scale = metric_max("total")
    if found is None:
        shown = [a for a in areas.current if principal.sees_unit(a.code)]
        rows = map_data.ranking_rows(session, now, "total", shown)
        return metric_name("total", lang), ranking(rows, lang, limit=10, links=False, scale=scale)
    index = unit_index(session, now, found.code)
    if index.rank is not None:
        title = t("kpi.unit.rank", lang, rank=index.rank, count=index.ranked_of)
        row = [(found.code, found.name, index.value)]
        board = ranking(row, lang, links=False, scale=scale, ranks={found.code: index.rank})
        return f"{metric_name('total', lang)} – {title}", board
    board = ranking(index.members, lang, limit=10, links=False, scale=scale)
    return t("kpi.area.ranking", lang), board


clientside_callback(
    """
    function(_n, ready) {
        if (!ready) { return [window.innerWidth, window.innerHeight]; }
        return window.dash_clientside.no_update;
    }
    """,
    Output("wall-screen", "data"),
    Input("wall-unit", "data"),
    State("wall-screen", "data"),
)

clientside_callback(
    f"""
    function(n, names, plan) {{
        const count = {len(PANELS)};
        const tick = n || 0;
        const active = tick % count;
        const classes = [];
        for (let i = 0; i < count; i++) {{
            classes.push(i === active ? 'wall-panel wall-panel-active' : 'wall-panel');
        }}
        const units = Array.isArray(plan) ? plan : [];
        const round = Math.floor(tick / count) % Math.max(units.length, 1);
        const moving = units.length >= 2 && tick > 0 && active === 0;
        const unit = moving ? (units[round] || null) : window.dash_clientside.no_update;
        const position = units.length >= 2 ? (round + 1) + ' / ' + units.length : '';
        return [...classes, (names || [])[active] || '', unit, position];
    }}
    """,
    *[Output(f"wall-panel-{i}", "className") for i in range(len(PANELS))],
    Output("wall-panel-name", "children"),
    Output("wall-unit", "data"),
    Output("wall-plan-pos", "children"),
    Input("wall-rotate", "n_intervals"),
    State("wall-names", "data"),
    State("wall-plan", "data"),
)

clientside_callback(
    """
    function(_n, until, lang) {
        const now = new Date();
        const locale = lang === 'en' ? 'en-GB' : 'vi-VN';
        const time = now.toLocaleTimeString(locale, {timeZone: 'Asia/Ho_Chi_Minh', hour12: false});
        const on = Date.now() < (until || 0);
        return [time, on ? 'wall-alert wall-alert-on' : 'wall-alert'];
    }
    """,
    Output("wall-clock", "children"),
    Output("wall-alert", "className"),
    Input("wall-tick", "n_intervals"),
    Input("wall-alert-until", "data"),
    State(LANG_STORE_ID, "data"),
)


def register(lang: str) -> None:
    """Add the page (called by ``create_app`` before it adopts the callbacks)."""
    dash.register_page(  # type: ignore[no-untyped-call]
        "ioc.pages.wall",
        path="/wall",
        layout=layout,
        title=t("page.wall", lang),
        name=t("page.wall", lang),
    )
