"""Pieces of the violation-case pages: the open-case counts, a case's origin and steps.

Pure functions from plain values to Dash components (the unit page, the overview,
``/vu-viec``, ``/thay-doi``, the report panel and the incident desk share them), tested
without a browser.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dash import dcc, html

from ioc.i18n import t
from ioc.pages.panels import data_attrs, empty
from ioc.pages.unit_views import snapshot_url
from ioc.store.models_violations import CaseStep, ViolationCase
from ioc.timeutil import format_local
from ioc.violations.steps import AGE_BANDS, KINDS, OVERDUE_BAND, OVERDUE_DAYS

MAX_EVIDENCE = 4
CASES_PATH = "/vu-viec"
ORIGIN_LINKS = {"candidate": "/thay-doi", "report": "/reports", "incident": None}


def fingerprint(*parts: Any) -> str:
    """A short digest of what a view shows, to tell whether it must be sent again."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]


def money(amount: int | None) -> str:
    """``40.000.000`` (Vietnamese thousands separator)."""
    return "" if amount is None else f"{amount:,}".replace(",", ".")


def counts_table(counts: Mapping[str, Mapping[str, int]], lang: str, prefix: str) -> Any:
    """Open cases by current step (rows) and age band (columns); the empty state when
    there is no open case at all (never a table of zeros)."""
    total = sum(sum(bands.values()) for bands in counts.values())
    if not total:
        return empty(t("case.counts.empty", lang))
    bands = [band for band, _ in AGE_BANDS]
    head = html.Tr(
        [html.Th(t("case.counts.step", lang))]
        + [html.Th(t(f"case.age.{band}", lang)) for band in bands]
        + [html.Th(t("case.counts.total", lang))]
    )
    rows = []
    for step, by_band in counts.items():
        cells = [
            html.Td(str(by_band.get(band, 0)), **data_attrs(step=step, band=band)) for band in bands
        ]
        rows.append(
            html.Tr(
                [
                    html.Th(t(f"case.step.{step}", lang)),
                    *cells,
                    html.Td(str(sum(by_band.values())), **data_attrs(step=step, band="all")),
                ],
            )
        )
    return html.Table(
        [html.Thead(head), html.Tbody(rows)],
        id=f"{prefix}-case-counts",
        className="case-counts",
        **data_attrs(total=total),
    )


def origin_text(case: ViolationCase, lang: str) -> str:
    origin_id = {"candidate": case.candidate_id, "report": case.report_id}.get(
        case.origin, case.incident_id
    )
    return t(f"cases.origin.{case.origin}", lang, id=origin_id)


def origin_link(case: ViolationCase, lang: str) -> Any:
    """The case's origin (a link where a page lists it) and its evidence pictures."""
    href = ORIGIN_LINKS.get(case.origin)
    text = origin_text(case, lang)
    link = dcc.Link(text, href=href, className="case-origin") if href else html.Span(text)
    pictures = [
        html.A(
            html.Img(
                src=snapshot_url(path), alt=t("cases.evidence", lang), className="case-evidence-img"
            ),
            href=snapshot_url(path),
            target="_blank",
        )
        for path in (case.evidence or [])[:MAX_EVIDENCE]
    ]
    return [link, html.Div(pictures, className="case-evidence")] if pictures else link


def step_lines(steps: Sequence[CaseStep], lang: str) -> html.Ol | html.Span:
    """The recorded steps: date, officer, document; a sanction's number and amount."""
    if not steps:
        return html.Span(t("case.step.opened", lang), className="case-steps-none")
    items = []
    for step in steps:
        line = t(
            "cases.step_line",
            lang,
            step=t(f"case.step.{step.step}", lang),
            date=step.done_on.strftime("%d/%m/%Y"),
            officer=step.officer,
            document=step.document,
        )
        parts: list[Any] = [line]
        if step.decision_no:
            sanction = t(
                "cases.sanction_line", lang, number=step.decision_no, amount=money(step.amount_vnd)
            )
            parts.append(html.Div(sanction, className="case-sanction"))
        items.append(html.Li(parts, **data_attrs(step=step.step)))
    return html.Ol(items, className="case-steps")


def opened_text(case: ViolationCase) -> str:
    return format_local(case.opened_at, "%d/%m/%Y")


def kind_options(lang: str) -> list[dict[str, str]]:
    """The kinds of a case, for a dropdown."""
    return [{"label": t(f"case.kind.{kind}", lang), "value": kind} for kind in KINDS]


def case_link(case_id: int, lang: str) -> dcc.Link:
    """ "Dẫn tới vụ việc #N", a link to the cases page (where a report or an incident led)."""
    return dcc.Link(
        t("reports.link.case", lang, id=case_id),
        href=CASES_PATH,
        className="reports-link reports-case-link",
    )


@dataclass(frozen=True)
class OpenSummary:
    """Open cases in a few numbers: all, the overdue ones, and how many at each step."""

    total: int
    overdue: int
    by_step: tuple[tuple[str, int], ...]


def open_summary(counts: Mapping[str, Mapping[str, int]]) -> OpenSummary:
    """:class:`OpenSummary` of :func:`ioc.violations.queries.open_counts`' answer; steps
    without an open case are left out."""
    by_step = tuple((step, sum(bands.values())) for step, bands in counts.items())
    return OpenSummary(
        total=sum(n for _, n in by_step),
        overdue=sum(bands.get(OVERDUE_BAND, 0) for bands in counts.values()),
        by_step=tuple((step, n) for step, n in by_step if n),
    )


def summary_view(counts: Mapping[str, Mapping[str, int]], lang: str, prefix: str) -> Any:
    """The overview's block: how many open and overdue, each step's count, the link to the
    cases page; with nothing open, what a case is and where it starts."""
    found = open_summary(counts)
    more = dcc.Link(t("case.summary.link", lang), href=CASES_PATH, className="case-summary-link")
    if not found.total:
        return html.Div(
            [
                html.P(t("case.counts.empty", lang), className="case-summary-empty"),
                html.P([t("case.summary.hint", lang), " ", more], className="case-summary-hint"),
            ],
            id=f"{prefix}-case-summary",
            className="case-summary ioc-empty",
            **data_attrs(total=0, overdue=0),
        )
    overdue = t("case.summary.overdue", lang, count=found.overdue, days=OVERDUE_DAYS)
    steps = [
        html.Li(
            [
                html.Span(t(f"case.step.{step}", lang), className="case-summary-step"),
                html.Span(str(count), className="case-summary-count"),
            ],
            **data_attrs(step=step),
        )
        for step, count in found.by_step
    ]
    return html.Div(
        [
            html.Div(
                [
                    html.Span(str(found.total), className="case-summary-total"),
                    html.Span(t("case.summary.open", lang), className="case-summary-label"),
                    html.Span(
                        overdue,
                        className="case-summary-overdue"
                        + (" case-summary-late" if found.overdue else ""),
                    ),
                ],
                className="case-summary-head",
            ),
            html.Ul(
                [*steps, html.Li(more, className="case-summary-more")],
                className="case-summary-steps",
            ),
        ],
        id=f"{prefix}-case-summary",
        className="case-summary",
        **data_attrs(total=found.total, overdue=found.overdue),
    )
