"""Page ``/``: the province overview map with live camera status and the alarm panel.

The map holds, in this order, the current units (filled, name on hover), the pre-2025
district outlines (hidden until asked for) and one camera trace per status. Every
``web.refresh_s`` seconds the page asks the store when a camera row last changed; when
nothing changed it sends no figure at all, otherwise it patches only the camera traces.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from math import log2
from typing import Any

import dash
import plotly.graph_objects as go
from dash import Input, Output, Patch, State, callback, dcc, html
from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.camera_status import CameraStatus
from ioc.i18n import language_or_default, t
from ioc.store.cameras import CameraState, camera_states, last_change
from ioc.store.models import AdminUnit
from ioc.store.units import LEVEL_RANK, units_valid_at
from ioc.timeutil import format_local, to_local, utcnow
from ioc.web.context import LANG_STORE_ID, aria_label, current_settings, current_store
from layers import dark_basemap
from layers.areas import area_fill_trace, area_outline_trace
from layers.cameras import STATUS_ORDER, camera_traces

LAST_DAY_OF_DISTRICTS = date(2025, 6, 30)
CAMERA_TRACE_START = 2  # traces 0 and 1 are the unit fill and the district outlines
STATUS_RECHECK_S = 15  # statuses also age with time: rebuild at least this often
MAX_ALARM_ITEMS = 6
FONT = '"Noto Sans", "DejaVu Sans", "Liberation Sans", Arial, sans-serif'
DEFAULT_VIEW = {"center": {"lon": 108.1, "lat": 11.6}, "zoom": 7.2}
MAP_PX = (1380, 980)  # map size at 1920×1080, to fit the province on first paint
DARK_STYLE = dark_basemap()


@dataclass(frozen=True)
class Areas:
    """The boundaries on the map: units valid today and the districts before 2025."""

    current: Sequence[AdminUnit]
    districts: Sequence[AdminUnit]


def local_today(now: datetime) -> date:
    return to_local(now).date()


def load_areas(session: Session, today: date) -> Areas:
    """Today's most detailed units (wards/communes after 2025) and the old districts."""
    valid = [unit for unit in units_valid_at(session, today) if unit.level != "province"]
    deepest = max((LEVEL_RANK.get(unit.level, 0) for unit in valid), default=0)
    current = [unit for unit in valid if LEVEL_RANK.get(unit.level, 0) == deepest]
    districts = units_valid_at(session, LAST_DAY_OF_DISTRICTS, level="district")
    return Areas(current, districts)


def unit_names(session: Session) -> dict[str, str]:
    """Name of every unit code of every era, the newest era winning."""
    rows = session.execute(
        select(AdminUnit.code, AdminUnit.name).order_by(AdminUnit.valid_from)
    ).all()
    return {code: name for code, name in rows}


def change_version(changed: datetime | None, now: datetime) -> str:
    """What the page compares to decide whether the camera layer must be rebuilt."""
    stamp = changed.isoformat() if changed is not None else "-"
    return f"{stamp}|{int(now.timestamp() // STATUS_RECHECK_S)}"


def map_view(areas: Sequence[AdminUnit]) -> dict[str, Any]:
    """Centre and zoom that fit the areas in the map on a wall display."""
    if not areas:
        return dict(DEFAULT_VIEW)
    west, south = min(a.min_lon for a in areas), min(a.min_lat for a in areas)
    east, north = max(a.max_lon for a in areas), max(a.max_lat for a in areas)
    span = max(east - west, (north - south) * 1.02, 1e-3)
    zoom = log2(min(MAP_PX) * 360 / (512 * span)) - 0.15
    return {"center": {"lon": (west + east) / 2, "lat": (south + north) / 2}, "zoom": zoom}


def build_figure(
    areas: Areas,
    states: Sequence[CameraState],
    names: dict[str, str],
    lang: str,
    show_districts: bool = False,
) -> go.Figure:
    """The whole overview map: unit fill, district outlines, camera traces."""
    traces = [
        area_fill_trace(areas.current, t("overview.units_legend", lang)),
        area_outline_trace(
            areas.districts, t("overview.districts_legend", lang), visible=show_districts
        ),
        *camera_traces(states, lang, names),
    ]
    figure = go.Figure(traces, layout=base_layout())
    figure.update_layout(map={"style": DARK_STYLE, **map_view(areas.current or areas.districts)})
    return figure


def base_layout() -> dict[str, Any]:
    """Map style, fonts and legend shared by the empty and the full figure."""
    return {
        "template": "none",
        "map": {"style": DARK_STYLE, **DEFAULT_VIEW},
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": FONT, "color": "#e6edf7", "size": 18},
        "hoverlabel": {"font": {"family": FONT, "size": 20}, "bgcolor": "#111c2e"},
        "legend": {
            "x": 0.012,
            "y": 0.985,
            "bgcolor": "rgba(10, 20, 36, 0.85)",
            "bordercolor": "#2a3b55",
            "borderwidth": 1,
            "font": {"size": 22},
            "itemsizing": "constant",
            "traceorder": "reversed",
        },
        "uirevision": "overview",
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


def read_states(session: Session, now: datetime) -> list[CameraState]:
    return camera_states(session, now, current_settings().cameras)


def counts(states: Sequence[CameraState]) -> dict[CameraStatus, int]:
    return {status: sum(s.status is status for s in states) for status in CameraStatus}


def alarm_items(states: Sequence[CameraState], names: dict[str, str], lang: str) -> Any:
    """The cameras in alarm, newest detection first, or the empty-state text."""
    alarms = sorted(
        (s for s in states if s.status is CameraStatus.ALARM),
        key=lambda s: s.last_detection_at or datetime.min.replace(tzinfo=UTC),
        reverse=True,
    )
    if not alarms:
        return html.P(t("overview.no_alarms", lang), className="overview-empty")
    items = [
        html.Li(
            [
                html.Span(state.name, className="overview-alarm-name"),
                html.Span(names.get(state.unit_code or "", ""), className="overview-alarm-unit"),
                html.Span(
                    t("overview.detected", lang, time=format_local(state.last_detection_at)),
                    className="overview-alarm-time",
                ),
            ],
            className="overview-alarm-item",
            **data_attrs(camera_id=state.id),
        )
        for state in alarms[:MAX_ALARM_ITEMS]
    ]
    if len(alarms) > MAX_ALARM_ITEMS:
        more = t("overview.more_alarms", lang, count=len(alarms) - MAX_ALARM_ITEMS)
        items.append(html.Li(more, className="overview-alarm-more"))
    return html.Ul(items, className="overview-alarm-list")


def data_attrs(**values: str) -> dict[str, Any]:
    """``data-*`` attributes for a Dash component (``camera_id`` → ``data-camera-id``)."""
    return {"data-" + key.replace("_", "-"): value for key, value in values.items()}


def status_items(states: Sequence[CameraState]) -> list[Any]:
    """Each camera's status as a list item, for tests and screen readers."""
    return [
        html.Li(state.name, **data_attrs(camera_id=state.id, status=state.status.value))
        for state in states
    ]


def counter(status: CameraStatus, lang: str) -> html.Div:
    return html.Div(
        [
            html.Div("–", id=f"overview-count-{status.value}", className="overview-number"),
            html.Div(t(f"overview.count.{status.value}", lang), className="overview-count-label"),
        ],
        className=f"overview-counter overview-counter-{status.value}",
    )


def panel(lang: str) -> Any:
    """Counters, the alarm list and the hidden per-camera status list (filled by refresh)."""
    return html.Aside(
        [
            html.H2(t("overview.cameras", lang), className="overview-heading"),
            html.Div(
                [counter(status, lang) for status in reversed(STATUS_ORDER)],
                className="overview-counters",
            ),
            html.H2(t("overview.alarms", lang), className="overview-heading"),
            html.Div(id="overview-alarms"),
            html.Ul(id="overview-camera-status", hidden=True),
            html.P(id="overview-updated", className="overview-updated"),
        ],
        className="overview-panel",
    )


def updated_text(now: datetime, lang: str) -> str:
    return t("overview.updated", lang, time=format_local(now, "%H:%M:%S"))


def layout(lang: str = "vi", **_query: Any) -> Any:
    """The page skeleton in ``lang``; the first :func:`refresh` fills the map and the panel.

    The skeleton reads nothing from the store: Dash also renders it to validate callbacks.
    """
    refresh_ms = int(current_settings().web.refresh_s * 1000)
    return html.Div(
        [
            html.Div(
                [
                    dcc.Graph(
                        id="overview-map",
                        figure=empty_figure(),
                        config={"displayModeBar": False, "scrollZoom": True, "responsive": True},
                        className="overview-graph",
                    ),
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


def camera_patch(states: Sequence[CameraState], names: dict[str, str], lang: str) -> Patch:
    """A figure patch replacing only the camera traces."""
    patch = Patch()
    for offset, trace in enumerate(camera_traces(states, lang, names)):
        patch["data"][CAMERA_TRACE_START + offset] = trace.to_plotly_json()
    return patch


@callback(
    Output("overview-map", "figure"),
    Output("overview-count-online", "children"),
    Output("overview-count-offline", "children"),
    Output("overview-count-alarm", "children"),
    Output("overview-alarms", "children"),
    Output("overview-camera-status", "children"),
    Output("overview-version", "data"),
    Output("overview-updated", "children"),
    Input("overview-interval", "n_intervals"),
    State("overview-version", "data"),
    State(LANG_STORE_ID, "data"),
    State("overview-districts", "value"),
)
def refresh(
    _n: int | None, version: str | None, lang: str | None, districts: list[str] | None
) -> tuple[Any, ...]:
    """Fill the page, then rebuild the camera layer and the panel only when the store changed."""
    return refresh_at(utcnow(), version, language_or_default(lang), bool(districts))


def refresh_at(
    now: datetime, version: str | None, lang: str, show_districts: bool = False
) -> tuple[Any, ...]:
    """:func:`refresh` at a given moment (so tests can fix the time).

    ``version`` is None on the first call after the page is rendered: the whole figure is
    sent once; afterwards only a patch of the camera traces, and nothing when unchanged.
    """
    with current_store().session() as session:
        new_version = change_version(last_change(session), now)
        if version is not None and new_version == version:
            return (*[dash.no_update] * 7, updated_text(now, lang))
        states = read_states(session, now)
        names = unit_names(session)
        if version is None:
            areas = load_areas(session, local_today(now))
            figure: Any = build_figure(areas, states, names, lang, show_districts)
        else:
            figure = camera_patch(states, names, lang)
    numbers = counts(states)
    return (
        figure,
        numbers[CameraStatus.ONLINE],
        numbers[CameraStatus.OFFLINE],
        numbers[CameraStatus.ALARM],
        alarm_items(states, names, lang),
        status_items(states),
        new_version,
        updated_text(now, lang),
    )


@callback(
    Output("overview-map", "figure", allow_duplicate=True),
    Input("overview-districts", "value"),
    prevent_initial_call=True,
)
def toggle_districts(value: list[str] | None) -> Patch:
    """Show or hide the pre-2025 district outlines without resending the figure."""
    patch = Patch()
    patch["data"][1]["visible"] = bool(value)
    return patch
