"""Pieces of the KPI page: cards, ranking table, unit details and the trend figure.

Pure functions from :class:`ioc.kpi.ranking.KpiTable` (and friends) to Dash components or
plotly figures, so they are tested without a browser.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import plotly.graph_objects as go
from dash import html

from ioc.i18n import t
from ioc.kpi.decision766 import IndicatorScore
from ioc.kpi.periods import Period, period_label
from ioc.kpi.ranking import KpiTable, UnitKpi
from ioc.kpi.ratio import PROVINCE

CELL = {"padding": "6px 10px", "borderBottom": "1px solid #2a3b55", "textAlign": "right"}
LEFT = {**CELL, "textAlign": "left"}
CARD = {
    "background": "#111c2e",
    "border": "1px solid #2a3b55",
    "borderRadius": "8px",
    "padding": "12px 16px",
    "minWidth": "150px",
}
FONT = '"Noto Sans", "DejaVu Sans", "Liberation Sans", Arial, sans-serif'


def fmt(value: float | None, digits: int = 1, signed: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def cards(table: KpiTable, lang: str) -> list[Any]:
    """The province's total and five group scores, each with its change."""
    province = table.province
    total = t("kpi.total", lang)
    if table.partial:
        total = f"{total} ({t('kpi.partial', lang)})"
    if province.score.total is not None and province.score.possible < 100:
        total += " – " + t("kpi.possible", lang, points=f"{province.score.possible:g}")
    items = [
        _card(
            "kpi-card-total",
            total,
            fmt(province.score.total),
            "100",
            fmt(province.change, signed=True),
        ),
        *(
            _card(
                f"kpi-card-{g.definition.key}",
                g.definition.name(lang),
                fmt(g.points),
                fmt(g.definition.points, 0),
                fmt(province.group_change(g.definition.key), signed=True),
            )
            for g in province.score.groups
        ),
        _card(
            "kpi-card-dossiers",
            t("kpi.dossiers", lang),
            str(province.counts.get("received", 0)),
            "",
            "",
        ),
    ]
    return items


def _card(ident: str, label: str, value: str, out_of: str, change: str) -> html.Div:
    return html.Div(
        [
            html.Div(label, style={"fontSize": "14px", "opacity": 0.8}),
            html.Div(
                [
                    html.Span(value, id=ident, style={"fontSize": "34px", "fontWeight": 700}),
                    html.Span(f" / {out_of}" if out_of else "", style={"opacity": 0.6}),
                ]
            ),
            html.Div(change, style={"fontSize": "14px"}),
        ],
        style=CARD,
    )


def _header(table: KpiTable, lang: str) -> html.Thead:
    names = [g.definition.name(lang) for g in table.province.score.groups]
    labels = [t("kpi.rank", lang), t("kpi.unit", lang), *names, t("kpi.total", lang)]
    labels.append(t("kpi.change", lang))
    return html.Thead(html.Tr([html.Th(x, style=LEFT) for x in labels]))


def _data_unit(code: str) -> dict[str, Any]:
    return {"data-unit": code}


def _unit_row(unit: UnitKpi) -> html.Tr:
    pick = html.Button(
        unit.name,
        id={"type": "kpi-pick", "index": unit.code},
        n_clicks=0,
        style={
            "background": "none",
            "border": "none",
            "color": "inherit",
            "cursor": "pointer",
            "textDecoration": "underline",
            "padding": 0,
            "font": "inherit",
        },
    )
    groups = [html.Td(fmt(g.points), style=CELL) for g in unit.score.groups]
    return html.Tr(
        [
            html.Td(str(unit.rank or "–"), style=LEFT),
            html.Td(pick, style=LEFT),
            *groups,
            html.Td(html.B(fmt(unit.score.total)), style=CELL),
            html.Td(fmt(unit.change, signed=True), style=CELL),
        ],
        **_data_unit(unit.code),
    )


def ranking(table: KpiTable, lang: str) -> html.Table:
    """Units by rank with the five group scores, total and change."""
    return html.Table(
        [_header(table, lang), html.Tbody([_unit_row(u) for u in table.units])],
        style={"borderCollapse": "collapse", "width": "100%", "fontSize": "16px"},
    )


def detail(table: KpiTable, code: str | None, lang: str) -> list[Any]:
    """Every sub-indicator of one unit with its counts, share and points, and report links."""
    unit = table.unit(code) if code else None
    if unit is None:
        return [html.P(t("kpi.drill.placeholder", lang))]
    rows = [
        html.Tr(
            [
                html.Td(g.definition.name(lang), style=LEFT),
                html.Td(i.definition.name(lang), style=LEFT),
                html.Td(f"{i.ratio.numerator}/{i.ratio.denominator}", style=CELL),
                html.Td(fmt(None if i.share is None else 100 * i.share), style=CELL),
                html.Td(_points(i, lang), style=CELL),
            ]
        )
        for g in unit.score.groups
        for i in g.indicators
    ]
    slug = "province" if unit.code == PROVINCE else unit.code
    base = f"/kpi/report/{slug}/{table.period}?era={table.era}&lang={lang}"
    links = [
        html.A(t("kpi.report.link", lang), href=base, target="_blank", id="kpi-report-link"),
        html.A(t("kpi.download.csv", lang), href=base + "&format=csv", id="kpi-csv-link"),
        html.A(t("kpi.download.xlsx", lang), href=base + "&format=xlsx", id="kpi-xlsx-link"),
        html.A(t("kpi.download.pdf", lang), href=base + "&format=pdf", id="kpi-pdf-link"),
    ]
    return [
        html.H3(f"{unit.name or t('kpi.province', lang)} – {fmt(unit.score.total)}"),
        html.Table(html.Tbody(rows), style={"borderCollapse": "collapse", "width": "100%"}),
        html.P(links, style={"display": "flex", "gap": "24px", "marginTop": "12px"}),
    ]


def _points(item: IndicatorScore, lang: str) -> Any:
    """``3.00 / 6``, or "chưa có số liệu" when the IOC has no records for it (not 0)."""
    out_of = fmt(item.definition.points, 0)
    if not item.has_data:
        return html.Span(f"{t('kpi.no_data.source', lang)} / {out_of}", className="kpi-no-data")
    return f"{fmt(item.points, 2)} / {out_of}"


def trend_figure(
    series: Sequence[tuple[str, Sequence[tuple[Period, float | None]]]],
    lang: str,
    now: datetime | None = None,
) -> go.Figure:
    """One line per series (province, selected unit) of the total over periods; a period
    without records is a gap (None), a running one is labelled partial."""
    partial = t("kpi.partial", lang)

    def label(period: Period) -> str:
        return str(period) if now is None else period_label(period, now, partial)

    figure = go.Figure(
        [
            go.Scatter(
                x=[label(p) for p, _ in points],
                y=[v for _, v in points],
                name=name,
                mode="lines+markers",
                connectgaps=False,
            )
            for name, points in series
        ]
    )
    figure.update_layout(
        template="none",
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"family": FONT, "color": "#e6edf7", "size": 14},
        yaxis={"range": [0, 100]},
        margin={"l": 40, "r": 10, "t": 30, "b": 40},
        title=t("kpi.trend", lang),
        legend={"orientation": "h"},
        xaxis={"type": "category"},
    )
    return figure
