"""Page ``/chuyen-doi-so``: the province's digital-transformation board.

The indicators of the three pillars (digital government, economy, society) and of the
infrastructure, each as a card: its newest province-wide value with unit of measure and
period, the source it was read from (title, outlet, date; linked when it has a URL; the
note on hover), the target and the progress towards it where the province set one, a
small trend chart when there are several years, and the newest value of each unit that
has one. An indicator without values says "chưa có số liệu", never 0.

On a wall (1920×1080 and larger) the whole board fits the screen without scrolling: the
tiles flow through five columns, pillar after pillar, every size in units of the screen
(``assets/digital.css``), and the trend charts are drawn for the screen the browser
reports, so their labels grow with the rest at 4K. On a phone the tiles stack and scroll.
"""

from __future__ import annotations

from typing import Any

import dash
import plotly.graph_objects as go
from dash import Input, Output, callback, clientside_callback, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from ioc.app_context import LANG_STORE_ID, current_store
from ioc.digital.board import Figure, IndicatorView, board, date_label, source_line
from ioc.digital.catalogue import PILLARS, Target
from ioc.i18n import language_or_default, t
from ioc.pages.kpi_views import FONT
from ioc.pages.states import failed, loading

PATH = "/chuyen-doi-so"
SCREEN_ID = "cds-screen"
DESIGN_PX = (1920, 1080)  # the wall the board's sizes are drawn for (``--u`` = 1 px)


def register(lang: str) -> None:
    """Register the page with Dash (called by ``create_app`` before it adopts callbacks)."""
    dash.register_page(  # type: ignore[no-untyped-call]
        __name__,
        path=PATH,
        layout=layout,
        title=t("page.digital", lang),
        name=t("page.digital", lang),
    )


def layout(lang: str = "vi", **_query: Any) -> Any:
    lang = language_or_default(lang)
    return html.Div(
        [
            html.Div(
                [
                    html.H2(t("digital.heading", lang), className="cds-heading"),
                    html.P(t("digital.intro", lang), className="cds-intro"),
                ],
                className="cds-head",
            ),
            html.Div(loading(lang), id="cds-board", className="cds-board"),
            dcc.Store(id=SCREEN_ID, data=None),
        ],
        className="cds",
    )


def screen_scale(screen: object) -> float:
    """How many times larger than on a 1920×1080 wall the charts are drawn on the screen the
    browser reported (``[width, height]``): 2 at 3840×2160, never below 1 (smaller screens
    keep the 1080p sizes); anything but two sensible numbers (forged input) counts as 1."""
    if not isinstance(screen, list) or len(screen) != 2:
        return 1.0
    sizes = [float(v) for v in screen if isinstance(v, int | float) and 100 <= v <= 20_000]
    if len(sizes) != 2:
        return 1.0
    return max(1.0, min(sizes[0] / DESIGN_PX[0], sizes[1] / DESIGN_PX[1]))


def attrs(values: dict[str, str]) -> dict[str, Any]:
    """``data-*``/``aria-*`` attributes for a component (Dash takes them as keywords)."""
    return values


def number(value: float, lang: str) -> str:
    """``1.740`` / ``96,5`` in Vietnamese, ``1,740`` / ``96.5`` in English."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    if lang == "en":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def source_view(
    text: str, url: str | None, note: str, lang: str, key: str = "digital.source"
) -> html.Div:
    """``Nguồn: Title — Outlet, dd/mm/yyyy``, a link when the source has a URL; the note
    (how the figure was read) on hover."""
    shown: Any = (
        html.A(text, href=url, target="_blank", rel="noopener noreferrer")
        if url
        else html.Span(text)
    )
    return html.Div(
        [html.Span(f"{t(key, lang)}: "), shown], className="cds-source", title=note or None
    )


def target_view(view: IndicatorView, lang: str) -> html.Div | None:
    target: Target | None = view.indicator.target
    if target is None:
        return None
    measure = view.indicator.measure(lang)
    parts: list[Any] = [
        html.Div(
            t(
                "digital.target",
                lang,
                period=target.period,
                value=f"{number(target.value, lang)} {measure}",
            ),
            className="cds-target-text",
        ),
    ]
    progress = view.progress()
    if progress is not None:
        percent = round(progress * 100)
        label = (
            t("digital.target.reached", lang)
            if percent >= 100
            else t("digital.progress", lang, percent=percent)
        )
        parts.append(
            html.Div(
                [
                    html.Div(className="cds-bar-fill", style={"width": f"{percent}%"}),
                    html.Span(label, className="cds-bar-label"),
                ],
                className="cds-bar",
                role="progressbar",
                **attrs({"aria-valuenow": str(percent)}),
            )
        )
    when = date_label(target.date) if target.date else t("digital.date_unknown", lang)
    line = f"{target.title} — {target.publisher}, {when}"
    parts.append(source_view(line, target.url, "", lang, "digital.target_source"))
    return html.Div(parts, className="cds-target")


def trend_figure(view: IndicatorView, lang: str, scale: float = 1.0) -> go.Figure:
    """The province-wide values over the years, each labelled; text and margins are
    ``scale`` times their 1080p size (the chart's box grows with the screen in CSS)."""
    periods = [f.period for f in view.series]
    values = [f.value for f in view.series]
    figure = go.Figure(
        go.Scatter(
            x=periods,
            y=values,
            mode="lines+markers+text",
            line={"color": "#38bdf8", "width": 2.5 * scale},
            marker={"size": 8 * scale},
            text=[number(v, lang) for v in values],
            textposition="top center",
            hovertemplate="%{x}: %{text}<extra></extra>",
            cliponaxis=False,
        )
    )
    autorange = "reversed" if view.indicator.lower_is_better else True
    figure.update_layout(
        template="none",
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"family": FONT, "color": "#e6edf7", "size": round(18 * scale)},
        showlegend=False,
        margin={
            "l": round(24 * scale),
            "r": round(24 * scale),
            "t": round(26 * scale),
            "b": round(24 * scale),
        },
        xaxis={"type": "category", "showgrid": False, "zeroline": False},
        yaxis={"visible": False, "autorange": autorange},
    )
    return figure


def earlier_sources(view: IndicatorView, lang: str) -> html.Ul:
    """The value and source of every earlier period of the trend (each point is traceable)."""
    measure = view.indicator.measure(lang)
    items = []
    for figure in reversed(view.series[:-1]):
        text = f"{figure.period}: {number(figure.value, lang)} {measure} — "
        line = source_line(figure.source)
        link: Any = (
            html.A(line, href=figure.source.url, target="_blank", rel="noopener noreferrer")
            if figure.source.url
            else line
        )
        items.append(html.Li([text, link], title=figure.note or None))
    return html.Ul(items, className="cds-earlier")


def unit_rows(view: IndicatorView, lang: str) -> html.Div | None:
    if not view.units:
        return None
    measure = view.indicator.measure(lang)
    items = [
        html.Li(
            [
                html.Span(u.unit_name, className="cds-unit-name"),
                html.Span(
                    f"{number(u.figure.value, lang)} {measure} ({u.figure.period})",
                    className="cds-unit-value",
                ),
            ],
            title=f"{t('digital.source', lang)}: {source_line(u.figure.source)}",
            **attrs({"data-unit": u.figure.unit_code or ""}),
        )
        for u in view.units
    ]
    return html.Div(
        [
            html.Div(t("digital.units", lang), className="cds-units-head"),
            html.Ul(items, className="cds-units"),
        ],
        className="cds-unit-list",
    )


def value_view(latest: Figure | None, view: IndicatorView, lang: str) -> html.Div:
    if latest is None:
        key = "digital.province_none" if view.units else "digital.no_data"
        return html.Div(t(key, lang), className="cds-empty")
    return html.Div(
        [
            html.Span(number(latest.value, lang), className="cds-number"),
            html.Span(view.indicator.measure(lang), className="cds-measure"),
            html.Span(t("digital.period", lang, period=latest.period), className="cds-period"),
        ],
        className="cds-value",
    )


def card(view: IndicatorView, lang: str, scale: float = 1.0) -> html.Div:
    indicator, latest = view.indicator, view.latest
    children: list[Any] = [
        html.Div(indicator.name(lang), className="cds-name"),
        value_view(latest, view, lang),
    ]
    if latest is not None:
        children.append(
            source_view(source_line(latest.source), latest.source.url, latest.note, lang)
        )
    children.append(target_view(view, lang))
    if len(view.series) >= 2:
        graph = dcc.Graph(
            figure=trend_figure(view, lang, scale),
            config={"displayModeBar": False, "staticPlot": True},
            responsive=True,
            style={"height": "100%"},
            id={"type": "cds-trend", "index": indicator.code},
        )
        children.append(html.Div(graph, className="cds-trend"))  # its height: digital.css
        children.append(earlier_sources(view, lang))
    children.append(unit_rows(view, lang))
    children.append(
        html.Details(
            [html.Summary(t("digital.definition", lang)), html.P(indicator.definition(lang))],
            className="cds-definition",
        )
    )
    return html.Div(
        [c for c in children if c is not None],
        className="cds-card" + (" cds-card-empty" if view.empty else ""),
        title=indicator.definition(lang),
        **attrs({"data-indicator": indicator.code}),
    )


def pillar_section(
    pillar: str, views: list[IndicatorView], lang: str, scale: float = 1.0
) -> html.Section:
    return html.Section(
        [
            html.H3(t(f"digital.pillar.{pillar}", lang), className="cds-pillar-head"),
            html.Div([card(v, lang, scale) for v in views], className="cds-grid"),
        ],
        className="cds-pillar",
        id=f"cds-pillar-{pillar}",
    )


clientside_callback(
    "function(_lang) { return [window.innerWidth, window.innerHeight]; }",
    Output(SCREEN_ID, "data"),
    Input(LANG_STORE_ID, "data"),
)


@callback(
    output={"board": Output("cds-board", "children")},
    inputs={"lang": Input(LANG_STORE_ID, "data"), "screen": Input(SCREEN_ID, "data")},
)
def refresh(lang: str | None, screen: object = None) -> dict[str, Any]:
    """The board in the chosen language for this screen (read once per visit or language
    change)."""
    lang = language_or_default(lang)
    scale = screen_scale(screen)
    try:
        with current_store().engine.connect() as conn:
            grouped = board(conn)
    except SQLAlchemyError as exc:
        return {"board": failed(exc, lang, retries=False)}
    return {"board": [pillar_section(p, grouped.get(p, []), lang, scale) for p in PILLARS]}
