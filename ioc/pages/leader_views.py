"""Pieces of the leader view: the ranking table on every KPI group, its CSV and the trend chart.

Pure functions from :class:`LeaderRow` values to Dash components, CSV text and plotly
figures, tested without a browser.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dash import dcc, html

from ioc.i18n import t
from ioc.pages.kpi_cache import group_keys, metric_name, metric_of
from ioc.pages.panels import data_attrs, empty, number, unit_href

FONT = '"Noto Sans", "DejaVu Sans", "Liberation Sans", Arial, sans-serif'


@dataclass(frozen=True)
class LeaderRow:
    """One unit's total and group points in a period, and the total's change."""

    code: str
    name: str
    values: Mapping[str, float | None]  # "total" and each group key
    change: float | None


def metrics() -> list[str]:
    return ["total", *group_keys()]


def leader_rows(
    names: Mapping[str, str],
    now: Mapping[str, Mapping[str, float | None]],
    before: Mapping[str, Mapping[str, float | None]],
    sort: str,
) -> list[LeaderRow]:
    """Every unit, best first by ``sort`` (units without a value last)."""
    rows = []
    for code, name in names.items():
        values = {key: metric_of(now.get(code), key) for key in metrics()}
        total, previous = values["total"], metric_of(before.get(code), "total")
        change = None if total is None or previous is None else total - previous
        rows.append(LeaderRow(code, name, values, change))
    return sorted(
        rows, key=lambda r: (r.values.get(sort) is None, -(r.values.get(sort) or 0), r.name)
    )


def table(rows: Sequence[LeaderRow], sort: str, lang: str) -> html.Table | html.P:
    """The ranking table; each unit's name opens its unit IOC."""
    if not any(row.values.get("total") is not None for row in rows):
        return empty(t("leader.no_data", lang))
    heads = ["#", t("kpi.unit", lang), *(metric_name(k, lang) for k in metrics())]
    heads.append(t("kpi.change", lang))
    header = html.Thead(
        html.Tr(
            [
                html.Th(h, className="leader-sorted" if i - 2 == metrics().index(sort) else None)
                for i, h in enumerate(heads)
            ]
        )
    )
    body = [
        html.Tr(
            [
                html.Td(str(rank)),
                html.Td(dcc.Link(row.name, href=unit_href(row.code))),
                *(html.Td(number(row.values.get(k)), className="leader-num") for k in metrics()),
                html.Td(
                    change_text(row.change), className="leader-num " + change_class(row.change)
                ),
            ],
            **data_attrs(unit=row.code),
        )
        for rank, row in enumerate(rows, start=1)
    ]
    return html.Table([header, html.Tbody(body)], className="leader-table")


def change_text(change: float | None) -> str:
    return "–" if change is None else f"{change:+.1f}"


def change_class(change: float | None) -> str:
    if change is None or abs(change) < 0.05:
        return "leader-flat"
    return "leader-up" if change > 0 else "leader-down"


def to_csv(rows: Sequence[LeaderRow], lang: str) -> str:
    """The table as CSV (with a BOM so spreadsheet programs read Vietnamese correctly)."""
    out = io.StringIO()
    writer = csv.writer(out)
    names = [metric_name(k, lang) for k in metrics()]
    writer.writerow(["rank", "unit_code", t("kpi.unit", lang), *names, t("kpi.change", lang)])
    for rank, row in enumerate(rows, start=1):
        values = [
            number(row.values.get(k)) if row.values.get(k) is not None else "" for k in metrics()
        ]
        writer.writerow(
            [rank, row.code, row.name, *values, change_text(row.change).replace("–", "")]
        )
    return "\ufeff" + out.getvalue()


def cell(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def trend_figure(
    lines: Sequence[tuple[str, Sequence[str], Sequence[float | None]]], title: str
) -> dict[str, Any]:
    """One line per series ``(name, period labels, values)``: province first, bold.

    A plain figure dict: plotly's figure classes validate every property as they are set,
    which took a third of the leader view's first answer in each process.
    """
    traces = [
        {
            "type": "scatter",
            "x": list(labels),
            "y": list(values),
            "name": name,
            "mode": "lines+markers",
            "connectgaps": False,
            "line": {"width": 5 if index == 0 else 2.5},
            "marker": {"size": 9 if index == 0 else 6},
        }
        for index, (name, labels, values) in enumerate(lines)
    ]
    layout = {
        "template": {},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": FONT, "color": "#e6edf7", "size": 16},
        "title": {"text": title, "x": 0.01},
        "margin": {"l": 50, "r": 16, "t": 56, "b": 50},
        "yaxis": {"gridcolor": "#1f3352"},
        "xaxis": {"type": "category", "gridcolor": "#1f3352"},
        "legend": {"orientation": "h", "y": -0.18},
        "colorway": ["#fbbf24", "#22c55e", "#38bdf8", "#f472b6", "#ff7a00"],
    }
    return {"data": traces, "layout": layout}
