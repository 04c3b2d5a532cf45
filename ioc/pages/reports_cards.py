"""The KPI cards of the ``/reports`` page: pure functions from :class:`Kpis` to components."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dash import html

from ioc.i18n import t
from ioc.reports.categories import Category
from ioc.reports.kpis import Kpis


def hours_text(value: float | None, lang: str) -> str:
    """A duration in hours as a person reads it: minutes under an hour ("25 phút"), else
    hours with one decimal ("1.5 giờ")."""
    if value is None:
        return t("reports.kpi.none", lang)
    if value < 1:
        return t("reports.minutes", lang, value=round(value * 60))
    return t("reports.hours", lang, value=f"{value:.1f}")


def card(key: str, value: str, lang: str) -> html.Div:
    return html.Div(
        [
            html.Div(value, id=f"reports-kpi-{key}", className="reports-kpi-value"),
            html.Div(t(f"reports.kpi.{key}", lang), className="reports-kpi-label"),
        ],
        className=f"reports-kpi reports-kpi-{key}",
    )


def kpi_cards(kpis: Kpis, categories: Mapping[str, Category], lang: str) -> list[Any]:
    """Received, on time, medians, overdue, satisfaction and top categories as cards."""
    none = t("reports.kpi.none", lang)
    on_time = none if kpis.on_time_pct is None else f"{kpis.on_time_pct:.0f}%"
    rating = none if kpis.satisfaction is None else f"{kpis.satisfaction:.1f}/5 ({kpis.rated})"
    top = ", ".join(
        f"{categories[code].name(lang) if code in categories else code} ({n})"
        for code, n in kpis.top_categories
    )
    return [
        card("received", str(kpis.received), lang),
        card("on_time", on_time, lang),
        card("first_response", hours_text(kpis.median_first_response_h, lang), lang),
        card("resolution", hours_text(kpis.median_resolution_h, lang), lang),
        card("overdue", str(kpis.overdue_now), lang),
        card("satisfaction", rating, lang),
        card("top", top or none, lang),
    ]
