"""Page ``/unit/<code>``: one unit's IOC: its map, KPIs with trends, cameras, reports, incidents.

The same live pattern as the overview: every ``web.refresh_s`` seconds the page compares
the feeds' versions of this unit (plus the minute, for the SLA countdowns) with the ones
it has, and re-reads only what moved; the map gets patches of the changed layers only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import dash
from dash import Input, Output, State, callback, dcc, html
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ioc import cache
from ioc.aggregates import feeds
from ioc.app_context import LANG_STORE_ID, current_settings, current_store
from ioc.auth.guard import refuses_unit, unit_code_or_none
from ioc.auth.scope import unit_scope
from ioc.i18n import language_or_default, t
from ioc.pages import incident_desk, map_data
from ioc.pages.access import denied, viewer
from ioc.pages.case_views import counts_table
from ioc.pages.kpi_area import unit_index
from ioc.pages.kpi_cache import group_keys, metric_name, metric_of, series, unit_metrics
from ioc.pages.overview_map import LAYER_NAMES, MapData, build_map, empty_figure, layer_patch
from ioc.pages.panels import cards, incident_queue, updated_text
from ioc.pages.states import failed, only
from ioc.pages.unit_views import camera_grid, index_context, kpi_strip, report_list
from ioc.store.models import AdminUnit
from ioc.timeutil import utcnow
from ioc.violations.queries import open_counts

TREND_MONTHS = 6
MAP_PX = (700, 860)


def layout(lang: str = "vi", code: str = "", **_query: Any) -> Any:
    """The skeleton for unit ``code``; :func:`refresh` fills it (no store read here)."""
    refresh_ms = int(current_settings().web.refresh_s * 1000)
    section = "unit-heading"
    return html.Div(
        [
            html.Div(
                [
                    dcc.Link(t("unit.back", lang), href="/", className="unit-back"),
                    html.H2(t("common.loading", lang), id="unit-title", className="unit-title"),
                    html.Div(id="unit-cards", className="unit-cards"),
                ],
                className="unit-top",
            ),
            html.Div(
                dcc.Graph(
                    id="unit-map",
                    figure=empty_figure(),
                    className="unit-graph",
                    config={"displayModeBar": False, "scrollZoom": True},
                ),
                className="unit-map-wrap",
            ),
            html.Div(
                [
                    html.H3(t("unit.kpis", lang), className=section),
                    html.Div(id="unit-kpis"),
                    html.H3(t("unit.incidents", lang), className=section),
                    html.Div(id="unit-incidents"),
                    incident_desk.desk("unit", lang),
                ],
                className="unit-column",
            ),
            html.Div(
                [
                    html.H3(t("unit.cameras", lang), className=section),
                    html.Div(id="unit-cameras"),
                    html.H3(t("case.counts.title", lang), className=section),
                    html.Div(id="unit-cases"),
                    html.H3(t("unit.reports", lang), className=section),
                    html.Div(id="unit-reports"),
                    html.P(id="unit-updated", className="overview-updated"),
                ],
                className="unit-column",
            ),
            dcc.Interval(id="unit-interval", interval=refresh_ms),
            dcc.Store(id="unit-version", data=None),
            dcc.Store(id="unit-code", data=code),
        ],
        className="unit",
    )


def find_unit(session: Session, code: str) -> AdminUnit | None:
    """The newest row of the unit ``code`` (a unit of any era can be opened)."""
    return session.scalars(
        select(AdminUnit).where(AdminUnit.code == code).order_by(AdminUnit.valid_from.desc())
    ).first()


OUTPUTS = {
    "figure": Output("unit-map", "figure"),
    "title": Output("unit-title", "children"),
    "cards": Output("unit-cards", "children"),
    "kpis": Output("unit-kpis", "children"),
    "cameras": Output("unit-cameras", "children"),
    "reports": Output("unit-reports", "children"),
    "incidents": Output("unit-incidents", "children"),
    "version": Output("unit-version", "data"),
    "updated": Output("unit-updated", "children"),
}


@callback(
    output=OUTPUTS,
    inputs=[Input("unit-interval", "n_intervals")],
    state=[
        State("unit-version", "data"),
        State("unit-code", "data"),
        State(LANG_STORE_ID, "data"),
    ],
)
def refresh(
    _n: int | None, version: dict[str, str] | None, code: str | None, lang: str | None
) -> dict[str, Any]:
    """Fill the page for the unit, then re-read only what changed."""
    chosen = language_or_default(lang)
    try:
        return refresh_at(utcnow(), version, code or "", chosen)
    except SQLAlchemyError as exc:
        return only(OUTPUTS, updated=t("common.error", chosen, reason=type(exc).__name__))


def refresh_at(
    now: datetime, version: dict[str, str] | None, code: str, lang: str
) -> dict[str, Any]:
    """:func:`refresh` at a given moment (tests fix the time); refused out of scope."""
    skip = dash.no_update
    if refuses_unit(viewer(), code):
        return {
            **dict.fromkeys(OUTPUTS),
            "figure": empty_figure(),
            "title": denied(lang),
            "updated": "",
        }
    with current_store().session() as session:
        unit = find_unit(session, code) if unit_code_or_none(code) else None
        if unit is None:
            missing = t("unit.not_found", lang, code=code)
            return {
                **dict.fromkeys(OUTPUTS),
                "figure": skip,
                "title": missing,
                "version": skip,
                "updated": updated_text(now, lang),
            }
        new_version = map_data.versions(session, now, code)
        new_version["minute"] = str(int(now.timestamp() // 60))
        changed = map_data.changed_feeds(version, new_version)
        if not changed:
            return only(OUTPUTS, updated=updated_text(now, lang))
        first = not isinstance(version, dict)
        area = read_area(
            session,
            now,
            lang,
            areas=map_data.Areas([unit], []),
            key=code,
            versions=(version, new_version, changed),
        )
        data, figure = area.data, area.figure
        summary = cards(
            map_data.summary_cards(session, now, data.states, lang, code, versions=new_version),
            "unit-card",
        )
        kpis = kpi_view(session, now, code, lang) if first or "kpi" in changed else skip
        snapshots, items = area.snapshots, area.items
        categories = feeds.category_names(session, lang)
        reports = report_list(items, categories, now, lang)
    return {
        "figure": figure,
        "title": unit.name,
        "cards": summary,
        "kpis": kpis,
        "cameras": camera_grid(data.states, snapshots, lang),
        "reports": reports,
        "incidents": incident_queue(
            data.incidents, data.names, lang, limit=3, extra=incident_desk.row_button("unit", lang)
        ),
        "version": new_version,
        "updated": updated_text(now, lang),
    }


@dataclass(frozen=True)
class AreaRead:
    """What a unit's or an IOC's page reads for its area: the map's data and figure (whole
    on the first fill, a patch of the changed layers after), the cameras' latest snapshots
    and the open reports."""

    data: MapData
    figure: Any
    snapshots: dict[str, str]
    items: list[feeds.ReportItem]


def read_area(
    session: Session,
    now: datetime,
    lang: str,
    *,
    areas: map_data.Areas,
    key: str,
    versions: tuple[dict[str, str] | None, dict[str, str], set[str]],
) -> AreaRead:
    """Read ``areas`` for the scope ``key`` (a unit code or an IOC's key): all of it on the
    first fill, then only the feeds in ``changed``."""
    old, new_version, changed = versions
    first = not isinstance(old, dict)
    parts = set(LAYER_NAMES) | {"areas"} if first else changed | {"cameras"}
    data = map_data.read_map_data(
        session,
        now,
        lang,
        areas=areas,
        metric="total",
        parts=parts | {"incidents"},
        layers=None,
        unit=key,
        versions=new_version,
    )
    figure: Any = (
        build_map(data, lang, size_px=MAP_PX, legend=False)
        if first
        else layer_patch(data, lang, [n for n in LAYER_NAMES if n in changed])
    )
    days = current_settings().retention.snapshot_days or feeds.SNAPSHOT_DAYS
    since = now - timedelta(days=days)  # older snapshot files are gone from disk
    cameras = [s.id for s in data.states]
    snapshots, items = unit_lists(session, key, cameras, new_version, (now, since))
    return AreaRead(data, figure, snapshots, items)


_LISTS: cache.Cache[tuple[dict[str, str], list[feeds.ReportItem]]] = cache.register(
    "unit.lists",
    holds="a unit's cameras' latest snapshots and its open reports, by database, unit, "
    "cameras' version and reports' version",
    stale_when="never within its key (a new snapshot or report moves a version); a snapshot "
    "ageing out of the retention window is dropped within the TTL",
    ttl_s=map_data.PAGE_CACHE_S,
    limit=64,
)


def unit_lists(
    session: Session,
    code: str,
    cameras: list[str],
    versions: dict[str, str],
    window: tuple[datetime, datetime],
) -> tuple[dict[str, str], list[feeds.ReportItem]]:
    """The unit's cameras' latest snapshots and its open reports, read once per cameras'
    and reports' version in this process (every screen showing the unit asks the same)."""
    key = (str(session.get_bind().engine.url), code, versions["cameras"], versions["reports"])
    found = _LISTS.get(key)
    if found is None:
        now, since = window
        snapshots = feeds.latest_snapshots(session, cameras, now, since)
        found = (snapshots, feeds.open_reports(session, code))
        _LISTS.put(key, found)
    return found


def kpi_view(session: Session, now: datetime, code: str, lang: str) -> Any:
    """Total and group scores of the last months, each with its sparkline: the unit's own
    with its rank, or its area's aggregate (so labelled) with the area's wards ranked."""
    history = series(session, now, "month", TREND_MONTHS)
    picked = [unit_metrics(scores, code)[0] for _, scores in history]
    rows = [
        (key, metric_name(key, lang), [metric_of(found, key) for found in picked])
        for key in ["total", *group_keys()]
    ]
    return [kpi_strip(rows, lang), *index_context(unit_index(session, now, code), lang)]


@callback(
    output={"cases": Output("unit-cases", "children")},
    inputs={
        "_n": Input("unit-interval", "n_intervals"),
        "code": State("unit-code", "data"),
        "lang": State(LANG_STORE_ID, "data"),
    },
)
def refresh_cases(_n: int | None, code: str | None, lang: str | None) -> dict[str, Any]:
    """The unit's open violation cases by step and age (its scope: wards of a district)."""
    chosen = language_or_default(lang)
    try:
        return {"cases": cases_at(utcnow(), code or "", chosen)}
    except SQLAlchemyError as exc:
        return {"cases": failed(exc, chosen)}


def cases_at(now: datetime, code: str, lang: str) -> Any:
    """:func:`refresh_cases` at a given moment; refused out of scope."""
    if refuses_unit(viewer(), code) or unit_code_or_none(code) is None:
        return denied(lang)
    with current_store().session() as session:
        counts = open_counts(session, unit_scope(session, code), now)
    return counts_table(counts, lang, "unit")


def register(lang: str) -> None:
    """Add the page (called by ``create_app`` before it adopts the callbacks)."""
    dash.register_page(  # type: ignore[no-untyped-call]
        "ioc.pages.unit",
        path_template="/unit/<code>",
        layout=layout,
        title=t("page.unit", lang),
        name=t("page.unit", lang),
    )
