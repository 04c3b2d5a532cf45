"""Page ``/leader``: rankings of units on every KPI group, trends by week/month/quarter, export.

A leader picks the period kind and the KPI to rank by; the table ranks every unit (a name
opens ``/unit/<code>``), the chart follows the province and the best and worst units
over the last 8 periods. The table downloads as CSV (``dcc.Download``); the chart saves
as PNG from its modebar, named after the view. Scores come from the cached per-period
counts (:mod:`ioc.pages.kpi_cache`), refreshed every minute.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import dash
from dash import Input, Output, State, callback, dcc, html
from dash.dcc.express import send_string
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ioc import cache
from ioc.app_context import LANG_STORE_ID, current_store
from ioc.auth.guard import province_wide
from ioc.i18n import language_or_default, t
from ioc.kpi.periods import period_label
from ioc.kpi.ratio import PROVINCE
from ioc.pages import map_data
from ioc.pages.access import province_only, viewer
from ioc.pages.kpi_cache import (
    TREND_KINDS,
    TrendKind,
    metric_name,
    metric_of,
    period_at,
    period_scores,
    series,
)
from ioc.pages.leader_views import LeaderRow, leader_rows, metrics, table, to_csv, trend_figure
from ioc.pages.states import failed, only
from ioc.timeutil import utcnow

TREND_STEPS = 8
REFRESH_MS = 60_000


def kind_options(lang: str) -> list[dict[str, str]]:
    labels = {
        "week": t("leader.kind.week", lang),
        "month": t("kpi.kind.month", lang),
        "quarter": t("kpi.kind.quarter", lang),
    }
    return [{"label": labels[kind], "value": kind} for kind in TREND_KINDS]


def graph_config(filename: str) -> Any:
    """Modebar with only the PNG export, saving under ``filename``."""
    return {
        "displaylogo": False,
        "displayModeBar": True,
        "modeBarButtonsToRemove": [
            "zoom2d",
            "pan2d",
            "select2d",
            "lasso2d",
            "zoomIn2d",
            "zoomOut2d",
            "autoScale2d",
            "resetScale2d",
        ],
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
    }


def layout(lang: str = "vi", **_query: Any) -> Any:
    """The skeleton; :func:`refresh` fills it."""
    sort_options = [{"label": metric_name(k, lang), "value": k} for k in metrics()]
    return html.Div(
        [
            html.Div(
                [
                    html.H2(t("leader.heading", lang), className="leader-title"),
                    html.Span(id="leader-period", className="leader-period"),
                    html.Label(t("leader.kind", lang)),
                    dcc.RadioItems(
                        id="leader-kind",
                        options=kind_options(lang),
                        value="month",
                        inline=True,
                        className="leader-kind",
                    ),
                    html.Label(t("leader.sort", lang), htmlFor="leader-sort"),
                    dcc.Dropdown(
                        id="leader-sort",
                        options=sort_options,
                        value="total",
                        clearable=False,
                        searchable=False,
                        className="leader-sort",
                    ),
                    html.Button(
                        t("leader.export", lang),
                        id="leader-export",
                        n_clicks=0,
                        className="leader-button",
                    ),
                    dcc.Download(id="leader-download"),
                ],
                className="leader-bar",
            ),
            html.Div(
                [
                    html.Div(
                        html.Div(t("common.loading", lang), id="leader-table"),
                        className="leader-table-wrap",
                    ),
                    dcc.Graph(
                        id="leader-trend",
                        className="leader-trend",
                        config=graph_config("ioc-lam-dong-xu-huong"),
                    ),
                ],
                className="leader-body",
            ),
            dcc.Interval(id="leader-interval", interval=REFRESH_MS),
        ],
        className="leader",
    )


def current_rows(
    session: Session, now: datetime, kind: TrendKind, sort: str
) -> tuple[str, list[LeaderRow]]:
    """(period label, ranked rows) of the running period of ``kind``."""
    period = period_at(now, kind)
    names = {
        a.code: a.name for a in map_data.load_areas(session, map_data.local_today(now)).current
    }
    scores = period_scores(session, period, now)
    before = period_scores(session, period.previous(), now)
    return str(period), leader_rows(names, scores, before, sort)


def trend_lines(  # noqa: PLR0917 - one view's values, passed through
    session: Session, now: datetime, kind: TrendKind, sort: str, rows: list[LeaderRow], lang: str
) -> list[tuple[str, list[str], list[float | None]]]:
    """Province, best and worst unit of the current period over the last periods."""
    history = series(session, now, kind, TREND_STEPS)
    labels = [period_label(period, now, t("kpi.partial", lang)) for period, _ in history]
    ranked = [row for row in rows if row.values.get(sort) is not None]
    picks = [(t("kpi.province", lang), PROVINCE)]
    if ranked:
        picks.append((f"{t('leader.best', lang)}: {ranked[0].name}", ranked[0].code))
        picks.append((f"{t('leader.worst', lang)}: {ranked[-1].name}", ranked[-1].code))
    return [
        (name, labels, [metric_of(scores.get(code), sort) for _, scores in history])
        for name, code in picks
    ]


OUTPUTS = {
    "table": Output("leader-table", "children"),
    "figure": Output("leader-trend", "figure"),
    "config": Output("leader-trend", "config"),
    "period": Output("leader-period", "children"),
}


@callback(
    output=OUTPUTS,
    inputs=[
        Input("leader-kind", "value"),
        Input("leader-sort", "value"),
        Input("leader-interval", "n_intervals"),
        Input(LANG_STORE_ID, "data"),
    ],
)
def refresh(kind: str | None, sort: str | None, _n: int | None, lang: str | None) -> dict[str, Any]:
    """Ranking table, trend chart (and its PNG file name) for the chosen view."""
    chosen = language_or_default(lang)
    try:
        return refresh_at(utcnow(), kind, sort, chosen)
    except SQLAlchemyError as exc:  # the table says why; the next tick tries again
        return only(OUTPUTS, table=failed(exc, chosen))


def checked(kind: str | None, sort: str | None) -> tuple[TrendKind, str]:
    chosen: TrendKind = kind if kind in TREND_KINDS else "month"  # type: ignore[assignment,unused-ignore]
    return chosen, sort if sort in metrics() else "total"


def refresh_at(now: datetime, kind: str | None, sort: str | None, lang: str) -> dict[str, Any]:
    if not province_wide(viewer()):
        return {
            "table": province_only(lang),
            "figure": {},
            "config": graph_config("ioc"),
            "period": "",
        }
    chosen, metric = checked(kind, sort)
    with current_store().session() as session:
        period, rows = current_rows(session, now, chosen, metric)
        lines = trend_lines(session, now, chosen, metric, rows, lang)
        url = str(session.get_bind().engine.url)
    title = f"{metric_name(metric, lang)} – {t('leader.trend', lang)}"
    filename = f"ioc-lam-dong-{metric}-{chosen}-{period}"
    shown, figure = drawn((url, chosen, metric, lang, period), rows, lines, title)
    running = period_label(period_at(now, chosen), now, t("kpi.partial", lang))
    return {
        "table": shown,
        "figure": figure,
        "config": graph_config(filename),
        "period": t("leader.period", lang, period=running),
    }


_DRAWN: cache.Cache[tuple[Any, dict[str, Any]]] = cache.register(
    "leader.views",
    holds="a view's ranking table and trend chart by database, view, language, period and "
    "a fingerprint of its figures",
    stale_when="never within its key (other figures: another fingerprint)",
    ttl_s=map_data.PAGE_CACHE_S,
    limit=32,
)


def drawn(
    key: tuple[str, ...],
    rows: list[LeaderRow],
    lines: list[tuple[str, list[str], list[float | None]]],
    title: str,
) -> tuple[Any, dict[str, Any]]:
    """The table and chart of one view, built once per process for the same figures (the
    page redraws on a timer; 124 rows are over a thousand components)."""
    fingerprint = hashlib.blake2b(repr((rows, lines, title)).encode(), digest_size=12).hexdigest()
    found = _DRAWN.get((*key, fingerprint))
    if found is None:
        found = (table(rows, key[2], key[3]), trend_figure(lines, title))
        _DRAWN.put((*key, fingerprint), found)
    return found


@callback(
    Output("leader-download", "data"),
    Input("leader-export", "n_clicks"),
    State("leader-kind", "value"),
    State("leader-sort", "value"),
    State(LANG_STORE_ID, "data"),
    prevent_initial_call=True,
)
def export(clicks: int | None, kind: str | None, sort: str | None, lang: str | None) -> Any:
    """The table of the current view as a CSV download."""
    if not clicks:
        return dash.no_update
    return export_at(utcnow(), kind, sort, language_or_default(lang))


def export_at(now: datetime, kind: str | None, sort: str | None, lang: str) -> Any:
    if not province_wide(viewer()):
        return dash.no_update
    chosen, metric = checked(kind, sort)
    with current_store().session() as session:
        period, rows = current_rows(session, now, chosen, metric)
    name = f"xep-hang-{metric}-{chosen}-{period}.csv"
    sent: dict[str, Any] = send_string(to_csv(rows, lang), name)  # type: ignore[no-untyped-call]
    return sent


def register(lang: str) -> None:
    """Add the page (called by ``create_app`` before it adopts the callbacks)."""
    dash.register_page(  # type: ignore[no-untyped-call]
        "ioc.pages.leader",
        path="/leader",
        layout=layout,
        title=t("page.leader", lang),
        name=t("page.leader", lang),
    )
