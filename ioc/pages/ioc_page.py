"""Page ``/ioc/<code>``: one operations centre's landing page over its whole area.

The unit page's views and queries with an area of several units: every feed is read for
the IOC's key (``ioc:<code>``, whose scope is its area's units, :mod:`ioc.auth.scope`),
the map draws the area's current units, the KPIs are the area's aggregate
(:mod:`ioc.kpi.areas`) with its units ranked, and the open violation cases of the area are
counted by step and age as on the unit page. Like the unit page it re-reads only the
feeds whose version moved. A unit-bound principal sees an IOC only when the whole of the
IOC's scope is inside its own.

The area's incidents come first, with the incident desk (:mod:`ioc.pages.incident_desk`):
whoever may change an incident's unit presses "Xử lý" on its row and acts on it here; the
server checks every press against the signed-in principal again, so an operator bound to
the IOC acts only on its area's incidents.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import dash
from dash import Input, Output, State, callback, dcc, html
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ioc.aggregates import feeds
from ioc.app_context import LANG_STORE_ID, current_settings, current_store
from ioc.auth.principal import Principal
from ioc.auth.scope import unit_scope
from ioc.i18n import language_or_default, t
from ioc.iocs.registry import IocInfo, find_ioc
from ioc.iocs.rows import CODE
from ioc.pages import incident_desk, map_data
from ioc.pages.access import denied, viewer
from ioc.pages.case_views import counts_table
from ioc.pages.kpi_area import UnitIndex
from ioc.pages.kpi_cache import (
    group_keys,
    latest_scores,
    metric_name,
    metric_of,
    series,
    unit_metrics,
)
from ioc.pages.overview_map import empty_figure
from ioc.pages.panels import cards, incident_queue, updated_text
from ioc.pages.unit import TREND_MONTHS, read_area
from ioc.pages.unit_views import camera_grid, index_context, kpi_strip, report_list
from ioc.store.units import ioc_key
from ioc.timeutil import utcnow
from ioc.violations.queries import open_counts

PREFIX = "iocpage"
FIELDS = (
    "figure",
    "title",
    "facts",
    "cards",
    "kpis",
    "cameras",
    "reports",
    "incidents",
    "cases",
    "version",
    "updated",
)


def layout(lang: str = "vi", code: str = "", **_query: Any) -> Any:
    """The skeleton for IOC ``code``; :func:`refresh` fills it (no store read here)."""
    refresh_ms = int(current_settings().web.refresh_s * 1000)
    section = "unit-heading"
    return html.Div(
        [
            html.Div(
                [
                    dcc.Link(t("iocs.back", lang), href="/ioc", className="unit-back"),
                    html.H2(
                        t("common.loading", lang), id=f"{PREFIX}-title", className="unit-title"
                    ),
                    html.P(id=f"{PREFIX}-facts", className="iocpage-facts"),
                    html.Div(id=f"{PREFIX}-cards", className="unit-cards"),
                ],
                className="unit-top",
            ),
            html.Div(
                dcc.Graph(
                    id=f"{PREFIX}-map",
                    figure=empty_figure(),
                    className="unit-graph",
                    config={"displayModeBar": False, "scrollZoom": True},
                ),
                className="unit-map-wrap",
            ),
            html.Div(
                [
                    html.H3(t("iocs.incidents", lang), className=section),
                    html.Div(id=f"{PREFIX}-incidents"),
                    incident_desk.desk(PREFIX, lang),
                    html.H3(t("case.counts.title", lang), className=section),
                    html.Div(id=f"{PREFIX}-cases"),
                ],
                className="unit-column iocpage-act",
            ),
            html.Div(
                [
                    html.H3(t("unit.kpis", lang), className=section),
                    html.Div(id=f"{PREFIX}-kpis"),
                ],
                className="unit-column iocpage-kpi",
            ),
            html.Div(
                [
                    html.H3(t("iocs.cameras", lang), className=section),
                    html.Div(id=f"{PREFIX}-cameras"),
                    html.H3(t("unit.reports", lang), className=section),
                    html.Div(id=f"{PREFIX}-reports"),
                    html.P(id=f"{PREFIX}-updated", className="overview-updated"),
                ],
                className="unit-column",
            ),
            dcc.Interval(id=f"{PREFIX}-interval", interval=refresh_ms),
            dcc.Store(id=f"{PREFIX}-version", data=None),
            dcc.Store(id=f"{PREFIX}-code", data=code),
        ],
        className="unit iocpage",
    )


OUTPUTS = {
    "figure": Output(f"{PREFIX}-map", "figure"),
    "title": Output(f"{PREFIX}-title", "children"),
    "facts": Output(f"{PREFIX}-facts", "children"),
    "cards": Output(f"{PREFIX}-cards", "children"),
    "kpis": Output(f"{PREFIX}-kpis", "children"),
    "cameras": Output(f"{PREFIX}-cameras", "children"),
    "reports": Output(f"{PREFIX}-reports", "children"),
    "incidents": Output(f"{PREFIX}-incidents", "children"),
    "cases": Output(f"{PREFIX}-cases", "children"),
    "version": Output(f"{PREFIX}-version", "data"),
    "updated": Output(f"{PREFIX}-updated", "children"),
}


@callback(
    output=OUTPUTS,
    inputs=dict(
        _n=Input(f"{PREFIX}-interval", "n_intervals"),
        version=State(f"{PREFIX}-version", "data"),
        code=State(f"{PREFIX}-code", "data"),
        lang=State(LANG_STORE_ID, "data"),
    ),
)
def refresh(
    _n: int | None, version: dict[str, str] | None, code: str | None, lang: str | None
) -> dict[str, Any]:
    """Fill the page for the IOC, then re-read only what changed."""
    chosen = language_or_default(lang)
    try:
        return refresh_at(utcnow(), version, code if isinstance(code, str) else "", chosen)
    except SQLAlchemyError as exc:
        return {
            **_all(dash.no_update),
            "updated": t("common.error", chosen, reason=type(exc).__name__),
        }


def _all(value: Any) -> dict[str, Any]:
    return dict.fromkeys(FIELDS, value)


def may_see(principal: Principal | None, scope: frozenset[str]) -> bool:
    """Province-wide principals see every IOC; others one whose whole area they see."""
    if principal is None:
        return False
    return principal.units is None or (bool(scope) and scope <= principal.units)


def refresh_at(
    now: datetime, version: dict[str, str] | None, code: str, lang: str
) -> dict[str, Any]:
    """:func:`refresh` at a given moment (tests fix the time); refused out of scope."""
    skip = dash.no_update
    refused = {**_all(None), "figure": empty_figure(), "title": denied(lang), "updated": ""}
    if not CODE.match(code):
        return refused
    key = ioc_key(code)
    with current_store().session() as session:
        if not may_see(viewer(), unit_scope(session, key)):
            return refused
        ioc = find_ioc(session, code, map_data.local_today(now))
        if ioc is None:
            return {
                **_all(skip),
                "title": t("iocs.not_found", lang, code=code),
                "updated": updated_text(now, lang),
            }
        new_version = map_data.versions(session, now, key)
        new_version["minute"] = str(int(now.timestamp() // 60))
        changed = map_data.changed_feeds(version, new_version)
        if not changed:
            return {**_all(skip), "updated": updated_text(now, lang)}
        return {
            **_read(session, now, ioc, (version, new_version, changed), lang),
            "version": new_version,
            "updated": updated_text(now, lang),
        }


def _read(
    session: Session,
    now: datetime,
    ioc: IocInfo,
    versions: tuple[dict[str, str] | None, dict[str, str], set[str]],
    lang: str,
) -> dict[str, Any]:
    old, new_version, changed = versions
    key = ioc_key(ioc.code)
    first = not isinstance(old, dict)
    today = map_data.local_today(now)
    members = set(ioc.area)
    current = [a for a in map_data.load_areas(session, today).current if a.code in members]
    area = read_area(
        session, now, lang, areas=map_data.Areas(current, []), key=key, versions=versions
    )
    data, figure, snapshots, items = area.data, area.figure, area.snapshots, area.items
    summary = map_data.summary_cards(session, now, data.states, lang, key, versions=new_version)
    return {
        "figure": figure,
        "title": ioc.display_name(lang),
        "facts": facts(ioc, data.names.get(ioc.owner, ioc.owner), len(current), lang),
        "cards": cards(summary, "unit-card"),
        "kpis": kpi_view(session, now, ioc, lang) if first or "kpi" in changed else dash.no_update,
        "cameras": camera_grid(data.states, snapshots, lang),
        "reports": report_list(items, feeds.category_names(session, lang), now, lang),
        "incidents": incident_queue(
            data.incidents, data.names, lang, limit=5, extra=incident_desk.row_button(PREFIX, lang)
        ),
        "cases": counts_table(open_counts(session, unit_scope(session, key), now), lang, PREFIX),
    }


def facts(ioc: IocInfo, owner: str, units: int, lang: str) -> list[Any]:
    """Owner (a unit's name or a department's), opening date, area size and the public
    source of the IOC (whole on hover: the page shows four lines of the facts)."""
    opened = format_local_date(ioc, lang)
    source = t("iocs.source", lang, source=ioc.source or t("iocs.no_source", lang))
    return [
        html.Span(t("iocs.facts", lang, owner=owner, opened=opened, units=units)),
        html.Br(),
        html.Span(source, className="iocpage-source", title=source),
    ]


def format_local_date(ioc: IocInfo, lang: str) -> str:
    if ioc.opened_on is None:
        return t("iocs.no_date", lang)
    return ioc.opened_on.strftime("%d/%m/%Y")


def kpi_view(session: Session, now: datetime, ioc: IocInfo, lang: str) -> Any:
    """The area's aggregate scores of the last months with sparklines, its units ranked."""
    key = ioc_key(ioc.code)
    history = series(session, now, "month", TREND_MONTHS)
    picked = [unit_metrics(scores, key)[0] for _, scores in history]
    rows = [
        (name, metric_name(name, lang), [metric_of(found, name) for found in picked])
        for name in ["total", *group_keys()]
    ]
    period, scores = latest_scores(session, now)
    names = map_data.unit_names(session)
    members = [(m, names.get(m, m), metric_of(scores.get(m), "total")) for m in ioc.area]
    index = UnitIndex(
        period, metric_of(unit_metrics(scores, key)[0], "total"), True, members=members
    )
    return [kpi_strip(rows, lang), *index_context(index, lang)]


def register(lang: str) -> None:
    """Add the page (called by ``create_app`` before it adopts the callbacks)."""
    dash.register_page(  # type: ignore[no-untyped-call]
        "ioc.pages.ioc_page",
        path_template="/ioc/<code>",
        layout=layout,
        title=t("page.ioc", lang),
        name=t("page.ioc", lang),
    )
