"""Pieces of the unit IOC page: KPI strip with sparklines, camera grid, reports with SLA.

Pure functions from plain values to Dash components, tested without a browser.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote

from dash import html

from ioc.aggregates.feeds import ReportItem
from ioc.i18n import TEXTS, t
from ioc.pages.kpi_area import UnitIndex
from ioc.pages.panels import data_attrs, empty, number, ranking, sparkline
from ioc.store.cameras import CameraState

MAX_CAMERAS = 8
SNAPSHOTS = "snapshots"  # served at /files/snapshots/<path> from <var_dir>/snapshots/
OPEN_FOR_ONSITE = ("received", "assigned", "reopened")


def kpi_strip(
    rows: Sequence[tuple[str, str, Sequence[float | None]]], lang: str
) -> html.Div | html.P:
    """One tile per metric: ``(key, label, values oldest first)``, last value big."""
    if not any(v is not None for _, _, values in rows for v in values):
        return empty(t("ranking.empty", lang))
    tiles = []
    for key, label, values in rows:
        last = next((v for v in reversed(values) if v is not None), None)
        tiles.append(
            html.Div(
                [
                    html.Div(label, className="unit-kpi-label"),
                    html.Div(number(last), className="unit-kpi-value"),
                    html.Img(src=sparkline(values), className="unit-kpi-spark", alt=""),
                ],
                className="unit-kpi",
                **data_attrs(metric=key),
            )
        )
    return html.Div(tiles, className="unit-kpis")


def index_context(index: UnitIndex, lang: str) -> list[Any]:
    """Under the KPI strip: the ward's rank, or the area note and its wards ranked."""
    if index.rank is not None:
        text = t("kpi.unit.rank", lang, rank=index.rank, count=index.ranked_of)
        return [html.P(text, className="unit-kpi-rank", id="unit-kpi-rank")]
    if not index.members:
        return []
    note = t("kpi.area.note", lang, count=len(index.members))
    return [
        html.P(note, className="unit-kpi-area", id="unit-kpi-area"),
        html.H4(t("kpi.area.ranking", lang), className="unit-heading"),
        ranking(index.members, lang, limit=len(index.members), scale=100.0),
    ]


def snapshot_url(relative: str) -> str:
    """The ``/files/snapshots/...`` URL of a snapshot path relative to ``var_dir``."""
    inside = relative.removeprefix(f"{SNAPSHOTS}/")
    return f"/files/{SNAPSHOTS}/{quote(inside)}"


def camera_grid(
    states: Sequence[CameraState], snapshots: Mapping[str, str], lang: str
) -> html.Div | html.P:
    """The unit's cameras with their latest picture (or a placeholder) and status."""
    if not states:
        return empty(t("unit.no_cameras", lang))
    cards = []
    for state in states[:MAX_CAMERAS]:
        path = snapshots.get(state.id)
        picture: Any = (
            html.Img(
                src=snapshot_url(path),
                alt=t("unit.snapshot_alt", lang, name=state.name),
                className="unit-camera-img",
            )
            if path
            else html.Div(t("unit.no_snapshot", lang), className="unit-camera-img unit-no-img")
        )
        cards.append(
            html.Div(
                [
                    picture,
                    html.Div(state.name, className="unit-camera-name"),
                    html.Div(
                        t(f"status.{state.status.value}", lang),
                        className=f"unit-camera-status unit-status-{state.status.value}",
                    ),
                ],
                className="unit-camera",
                **data_attrs(camera_id=state.id, status=state.status.value),
            )
        )
    return html.Div(cards, className="unit-camera-grid")


def duration(seconds: float, lang: str) -> str:
    """``1 giờ 05 phút`` / ``1 h 05 min`` (minutes only under an hour)."""
    minutes = int(abs(seconds) // 60)
    hours, rest = divmod(minutes, 60)
    if lang == "en":
        return f"{hours} h {rest:02d} min" if hours else f"{rest} min"
    return f"{hours} giờ {rest:02d} phút" if hours else f"{rest} phút"


def sla_text(item: ReportItem, now: datetime, lang: str) -> tuple[str, bool]:
    """The countdown to the deadline that matters now, and whether it has passed."""
    onsite = item.status in OPEN_FOR_ONSITE and item.first_response_at is None
    due = item.onsite_due_at if onsite else item.result_due_at
    if due is None:
        return t("sla.none", lang), False
    label = t("sla.onsite" if onsite else "sla.result", lang)
    left = (due - now).total_seconds()
    key = "sla.left" if left >= 0 else "sla.over"
    return f"{label}: {t(key, lang, time=duration(left, lang))}", left < 0


def report_list(
    items: Sequence[ReportItem], categories: Mapping[str, str], now: datetime, lang: str
) -> html.Ul | html.P:
    """Open reports, most urgent first, each with its SLA countdown."""
    if not items:
        return empty(t("unit.no_reports", lang))
    rows = []
    for item in items:
        text, late = sla_text(item, now, lang)
        status_key = f"reports.status.{item.status}"
        status = t(status_key, lang) if status_key in TEXTS else item.status
        rows.append(
            html.Li(
                [
                    html.Span(
                        f"#{item.id} {categories.get(item.service_code, item.service_code)}",
                        className="unit-report-title",
                    ),
                    html.Span(status, className="unit-report-status"),
                    html.Span(text, className="unit-sla" + (" unit-sla-late" if late else "")),
                ],
                className="unit-report",
                **data_attrs(report_id=item.id, late=str(late).lower()),
            )
        )
    return html.Ul(rows, className="unit-reports")
