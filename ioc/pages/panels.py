"""Side-panel pieces shared by the control-room pages: KPI cards, incident queue, ranking.

Pure functions from plain values to Dash components (tested without a browser). Lists
are bounded: a wall display runs for days, so nothing here grows with the data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from dash import dcc, html

from ioc.aggregates.feeds import IncidentItem
from ioc.i18n import t
from ioc.timeutil import format_local
from layers.incidents import severity_color, severity_label, status_label


@dataclass(frozen=True)
class Card:
    """One big number with its label; ``tone`` picks the accent colour (CSS class)."""

    ident: str
    label: str
    value: str
    tone: str = "neutral"
    sub: str = ""


def data_attrs(**values: Any) -> dict[str, Any]:
    """``data-*`` attributes for a Dash component (``unit_code`` → ``data-unit-code``)."""
    return {"data-" + key.replace("_", "-"): str(value) for key, value in values.items()}


def number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:.{digits}f}" if digits else f"{value:,.0f}".replace(",", ".")


def cards(items: Sequence[Card], prefix: str) -> html.Div:
    """A row of big-number cards."""
    return html.Div(
        [
            html.Div(
                [
                    html.Div(card.value, id=f"{prefix}-{card.ident}", className="ioc-card-value"),
                    html.Div(card.label, className="ioc-card-label"),
                    html.Div(card.sub, className="ioc-card-sub") if card.sub else None,
                ],
                className=f"ioc-card ioc-tone-{card.tone}",
            )
            for card in items
        ],
        className="ioc-cards",
    )


def empty(text: str) -> html.P:
    return html.P(text, className="ioc-empty")


def incident_queue(
    items: Sequence[IncidentItem],
    names: Mapping[str, str],
    lang: str,
    limit: int = 4,
    extra: Callable[[IncidentItem], Any] | None = None,
) -> Any:
    """Open incidents, newest first, at most ``limit`` (then "and N more"); ``extra`` adds
    a component to a row (the incident desk's button), or None."""
    if not items:
        return empty(t("incidents.empty", lang))
    rows: list[Any] = [
        incident_row(item, names, lang, extra(item) if extra else None) for item in items[:limit]
    ]
    if len(items) > limit:
        rows.append(
            html.Li(t("incidents.more", lang, count=len(items) - limit), className="ioc-more")
        )
    return html.Ul(rows, className="ioc-incidents")


def incident_row(
    item: IncidentItem, names: Mapping[str, str], lang: str, extra: Any = None
) -> html.Li:
    unit = names.get(item.unit_code or "", item.unit_code or "")
    return html.Li(
        [
            html.Span(item.title or item.kind, className="ioc-incident-title"),
            html.Span(
                f"{severity_label(item.severity, lang)} · {status_label(item.status, lang)}",
                className="ioc-incident-meta",
            ),
            simulated_badge(lang) if item.simulated else None,
            html.Span(
                f"{unit} · {format_local(item.opened_at, '%H:%M %d/%m')}".strip(" ·"),
                className="ioc-incident-meta",
            ),
            extra,
        ],
        className="ioc-incident",
        style={"borderLeftColor": severity_color(item.severity)},
        **data_attrs(incident_id=item.id, severity=item.severity),
    )


def simulated_badge(lang: str) -> html.Span:
    """The mark of what the demo's simulator made ("mô phỏng")."""
    return html.Span(t("common.simulated", lang), className="ioc-simulated")


def ranking(
    rows: Sequence[tuple[str, str, float | None]],
    lang: str,
    *,
    limit: int = 6,
    digits: int = 1,
    links: bool = True,
    scale: float | None = None,
    ranks: Mapping[str, int | None] | None = None,
) -> Any:
    """Units by value, best first: ``(code, name, value)`` rows, at most ``limit``;
    ``ranks`` gives rows their rank in a larger ranking (else 1, 2, 3...)."""
    scored = [row for row in rows if row[2] is not None]
    if not scored:
        return empty(t("ranking.empty", lang))
    ordered = sorted(scored, key=lambda row: (-(row[2] or 0.0), row[1]))[:limit]
    top = scale or max(row[2] or 0.0 for row in ordered) or 1.0
    items = []
    for position, (code, name, value) in enumerate(ordered, start=1):
        rank = (ranks or {}).get(code) or position
        label: Any = dcc.Link(name, href=unit_href(code)) if links else name
        items.append(
            html.Li(
                [
                    html.Span(str(rank), className="ioc-rank-no"),
                    html.Span(label, className="ioc-rank-name"),
                    html.Span(number(value, digits), className="ioc-rank-value"),
                    html.Span(
                        className="ioc-rank-bar",
                        style={"width": f"{max(4.0, 100 * (value or 0) / top):.0f}%"},
                    ),
                ],
                className="ioc-rank",
                **data_attrs(unit=code),
            )
        )
    return html.Ol(items, className="ioc-ranking")


def unit_href(code: str) -> str:
    return f"/unit/{quote(code, safe='')}"


def sparkline(values: Sequence[float | None], width: int = 160, height: int = 40) -> str:
    """A tiny line chart as an SVG ``data:`` URI (nothing fetched, nothing to lay out)."""
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return "data:image/svg+xml," + quote(
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"/>'
        )
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    step = (width - 8) / max(len(values) - 1, 1)
    points = [
        f"{4 + i * step:.1f},{height - 4 - (v - low) / span * (height - 8):.1f}"
        for i, v in enumerate(values)
        if v is not None
    ]
    last = points[-1].split(",")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
        f'<polyline fill="none" stroke="#38bdf8" stroke-width="3" points="{" ".join(points)}"/>'
        f'<circle cx="{last[0]}" cy="{last[1]}" r="4" fill="#fbbf24"/></svg>'
    )
    return "data:image/svg+xml," + quote(svg)


def updated_text(now: datetime, lang: str) -> str:
    return t("overview.updated", lang, time=format_local(now, "%H:%M:%S"))
