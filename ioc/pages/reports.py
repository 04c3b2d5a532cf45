"""Page ``/reports``: citizen field reports with filters, SLA countdowns, workflow buttons
and the KPI cards of the last 30 days.

Callbacks use the global ``dash.callback`` and reach the store through the Flask app. A
button moves a report one step through the workflow (``ioc.reports.workflow``); a step
that closes the report or names who handles it first opens the decision panel
(:mod:`ioc.pages.report_decisions`), which asks for its reason, original or assignee and a
confirmation; the table
is rebuilt every ``web.refresh_s`` seconds, so countdowns stay current.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ioc.app_context import LANG_STORE_ID, current_settings, current_store, web_client
from ioc.auth.guard import row_id_or_none, unit_code_or_none
from ioc.auth.principal import Principal
from ioc.i18n import language_or_default, t
from ioc.pages.access import denied, viewer
from ioc.pages.overview import data_attrs
from ioc.pages.report_decisions import (
    CASE,
    NEEDS_DECISION,
    Decision,
    case_button,
    case_opened,
    checked_note,
    decision_from,
    decision_panel,
)
from ioc.pages.reports_cards import kpi_cards
from ioc.pages.states import failed, loading, only, reason
from ioc.pages.unit_views import duration
from ioc.reports.categories import Category, load_categories
from ioc.reports.kpis import KpiRow, compute_kpis
from ioc.reports.privacy import shown
from ioc.reports.queries import ReportFilter, find_reports
from ioc.reports.workflow import STATUSES, TransitionError, allowed_next, change_status
from ioc.sla_clock import sla_status
from ioc.store.models import AdminUnit, CitizenReport
from ioc.timeutil import format_local, utcnow
from ioc.violations.queries import cases_by_origin

MAX_ROWS = 50
KPI_DAYS = 30


def register(lang: str) -> None:
    """Register the page with Dash (called by ``create_app``)."""
    dash.register_page(  # type: ignore[no-untyped-call]
        __name__,
        path="/reports",
        layout=layout,
        title=t("page.reports", lang),
        name=t("page.reports", lang),
    )


def _dropdown(name: str, lang: str) -> html.Div:
    return html.Div(
        [
            html.Label(t(f"reports.filter.{name}", lang), htmlFor=f"reports-filter-{name}"),
            dcc.Dropdown(
                id=f"reports-filter-{name}",
                options=[],
                value=None,
                placeholder=t("reports.filter.all", lang),
                className="reports-filter",
            ),
        ],
        className="reports-filter-wrap",
    )


def layout(lang: str = "vi", **_query: Any) -> Any:
    """The page skeleton; the first refresh fills options, cards and the table."""
    refresh_ms = int(current_settings().web.refresh_s * 1000)
    return html.Div(
        [
            html.H2(t("reports.kpi.title", lang), className="reports-heading"),
            html.Div(id="reports-kpis", className="reports-kpis"),
            html.Div(
                [_dropdown(name, lang) for name in ("unit", "category", "status")],
                className="reports-filters",
            ),
            html.H2(t("reports.list", lang), className="reports-heading"),
            html.Div(id="reports-message", role="status", className="reports-message"),
            decision_panel(lang),
            html.Div(loading(lang), id="reports-table"),
            dcc.Interval(id="reports-interval", interval=refresh_ms),
            dcc.Store(id="reports-changed", data=0),
        ],
        className="reports",
    )


def sla_text(report: CitizenReport, now: datetime, lang: str) -> str:
    """The running clock of a report as text (e.g. "Đến hiện trường còn 1 giờ 20 phút",
    "còn 45 phút")."""
    state = sla_status(
        report.status, report.onsite_due_at, report.result_due_at, report.first_response_at, now
    )
    if state.phase == "done" or state.remaining is None:
        return t("reports.sla.done", lang)
    if state.overdue:
        return t("reports.sla.overdue", lang, time=duration(-state.remaining.total_seconds(), lang))
    return t(
        f"reports.sla.{state.phase}", lang, time=duration(state.remaining.total_seconds(), lang)
    )


def action_buttons(
    report: CitizenReport, lang: str, principal: Principal, case_id: int | None = None
) -> list[Any]:
    """The workflow steps, only for a principal that may change this report; then
    "Dẫn tới vụ việc #K" when the report led to a violation case (staff only: Open311
    publishes the report's own status, never the case), else "Mở vụ việc" for a principal
    that may open one."""
    steps = [
        html.Button(
            t(f"reports.action.{to}", lang),
            id={"type": "reports-action", "report": report.id, "to": to},
            className=f"reports-action reports-action-{to}",
            n_clicks=0,
        )
        for to in (allowed_next(report.status) if principal.changes_unit(report.unit_code) else ())
    ]
    case = case_button(report, case_id, lang, principal)
    return steps if case is None else [*steps, case]


def link_lines(
    report: CitizenReport, duplicates: Mapping[int, list[int]] | None, lang: str
) -> list[Any]:
    """ "Trùng với #N" on a duplicate, "Có phản ánh trùng: #M" on the report it duplicates."""
    lines: list[str] = []
    if report.status == "duplicate" and report.duplicate_of:
        lines.append(t("reports.link.duplicate_of", lang, id=report.duplicate_of))
    found = (duplicates or {}).get(report.id)
    if found:
        lines.append(t("reports.link.duplicates", lang, ids=", ".join(f"#{i}" for i in found)))
    return [html.Div(line, className="reports-link") for line in lines]


def duplicates_of(session: Any, reports: Sequence[CitizenReport]) -> dict[int, list[int]]:
    """For each listed report, the reports closed as its duplicates."""
    ids = [r.id for r in reports]
    rows = session.execute(
        select(CitizenReport.duplicate_of, CitizenReport.id)
        .where(CitizenReport.duplicate_of.in_(ids), CitizenReport.status == "duplicate")
        .order_by(CitizenReport.id)
    ).all()
    found: dict[int, list[int]] = {}
    for original, duplicate in rows:
        found.setdefault(original, []).append(duplicate)
    return found


def _nearest_note(report: CitizenReport, lang: str) -> list[html.Div]:
    """A visible note when the report's unit is the nearest one, not one containing it."""
    if not report.unit_nearest:
        return []
    return [html.Div(t("reports.unit_nearest", lang), className="reports-unit-nearest")]


def table_row(
    report: CitizenReport,
    categories: Mapping[str, Category],
    names: Mapping[str, str],
    lang: str,
    now: datetime,
    *,
    principal: Principal,
    duplicates: Mapping[int, list[int]] | None = None,
    cases: Mapping[int, int] | None = None,
) -> html.Tr:
    category = categories.get(report.service_code)
    contact = principal.changes_unit(report.unit_code)  # personal data: only for them
    unit = names.get(report.unit_code or "", report.unit_code or "")
    place = shown(report.address, contact) or unit
    state = sla_status(
        report.status, report.onsite_due_at, report.result_due_at, report.first_response_at, now
    )
    return html.Tr(
        [
            html.Td(f"#{report.id}"),
            html.Td(category.name(lang) if category else report.service_code),
            html.Td(
                [
                    html.Div(place),
                    *_nearest_note(report, lang),
                    html.Small(shown(report.description, contact)[:120]),
                    *link_lines(report, duplicates, lang),
                ]
            ),
            html.Td(
                t(f"reports.status.{report.status}", lang),
                className=f"reports-status reports-status-{report.status}",
                **data_attrs(status=report.status),
            ),
            html.Td(format_local(report.created_at, "%H:%M %d/%m/%Y")),
            html.Td(
                sla_text(report, now, lang),
                className="reports-sla reports-overdue" if state.overdue else "reports-sla",
            ),
            html.Td(action_buttons(report, lang, principal, (cases or {}).get(report.id))),
        ],
        id=f"reports-row-{report.id}",
        **data_attrs(report_id=str(report.id)),
    )


def report_table(
    reports: Sequence[CitizenReport],
    categories: Mapping[str, Category],
    names: Mapping[str, str],
    lang: str,
    now: datetime,
    *,
    principal: Principal,
    duplicates: Mapping[int, list[int]] | None = None,
    cases: Mapping[int, int] | None = None,
) -> Any:
    """The report table, or the plain-Vietnamese empty state."""
    if not reports:
        return html.P(t("reports.empty", lang), className="reports-empty")
    heads = ("id", "category", "place", "status", "received", "sla", "actions")
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(t(f"reports.col.{h}", lang)) for h in heads])),
            html.Tbody(
                [
                    table_row(
                        r,
                        categories,
                        names,
                        lang,
                        now,
                        principal=principal,
                        duplicates=duplicates,
                        cases=cases,
                    )
                    for r in reports
                ]
            ),
        ],
        className="reports-table",
    )


def options(
    session: Any, categories: Mapping[str, Category], lang: str, within: frozenset[str] | None
) -> tuple[list[Any], ...]:
    """Dropdown options: units (in the reader's scope) that have reports, categories, statuses."""
    query = select(CitizenReport.unit_code).distinct()
    if within is not None:
        query = query.where(CitizenReport.unit_code.in_(sorted(within)))
    codes = session.scalars(query).all()
    names = dict(session.execute(select(AdminUnit.code, AdminUnit.name)).all())
    units = sorted((names.get(c, c), c) for c in codes if c)
    return (
        [{"label": name, "value": code} for name, code in units],
        [{"label": c.name(lang), "value": c.code} for c in categories.values()],
        [{"label": t(f"reports.status.{s}", lang), "value": s} for s in STATUSES],
    )


def chosen_filters(
    category: Any, status: Any, categories: Mapping[str, Category]
) -> tuple[str | None, str | None]:
    """Category and status as the page offers them; anything else (forged) filters nothing."""
    return (
        category if isinstance(category, str) and category in categories else None,
        status if isinstance(status, str) and status in STATUSES else None,
    )


def refused_unit(principal: Principal | None, unit: Any) -> bool:
    """True when the unit filter is not a unit this principal sees (or nobody signed in)."""
    if principal is None:
        return True
    if unit is None or unit == "":
        return False
    code = unit_code_or_none(unit)
    return code is None or not principal.sees_unit(code)


def refresh_at(
    now: datetime, unit: str | None, category: str | None, status: str | None, lang: str
) -> dict[str, Any]:
    """Cards, table and filter options at ``now`` (``refresh`` with a fixed clock), for the
    signed-in principal's units only."""
    principal = viewer()
    if principal is None or refused_unit(principal, unit):
        return {"kpis": [], "table": denied(lang), "units": [], "categories": [], "statuses": []}
    within, unit = principal.units, unit or None
    with current_store().session() as session:
        categories = load_categories(session)
        category, status = chosen_filters(category, status, categories)
        chosen = ReportFilter(
            service_codes=(category,) if category else (),
            statuses=(status,) if status else (),
            unit_code=unit,
            limit=MAX_ROWS,
            within=within,
        )
        reports = find_reports(session, chosen)
        duplicates = duplicates_of(session, reports)
        cases = cases_by_origin(session, "report", [r.id for r in reports])
        names = dict(session.execute(select(AdminUnit.code, AdminUnit.name)).all())
        period = ReportFilter(
            unit_code=unit, start=now - timedelta(days=KPI_DAYS), limit=10**9, within=within
        )
        rows = [kpi_row(r) for r in find_reports(session, period)]
        unit_opts, category_opts, status_opts = options(session, categories, lang, within)
    cards = kpi_cards(compute_kpis(rows, now), categories, lang)
    table = report_table(
        reports,
        categories,
        names,
        lang,
        now,
        principal=principal,
        duplicates=duplicates,
        cases=cases,
    )
    return {
        "kpis": cards,
        "table": table,
        "units": unit_opts,
        "categories": category_opts,
        "statuses": status_opts,
    }


def kpi_row(report: CitizenReport) -> KpiRow:
    return KpiRow(
        report.unit_code,
        report.service_code,
        report.status,
        report.created_at,
        report.first_response_at,
        report.resolved_at,
        report.onsite_due_at,
        report.result_due_at,
        report.rating,
    )


OUTPUTS = {
    "kpis": Output("reports-kpis", "children"),
    "table": Output("reports-table", "children"),
    "units": Output("reports-filter-unit", "options"),
    "categories": Output("reports-filter-category", "options"),
    "statuses": Output("reports-filter-status", "options"),
}


@callback(
    output=OUTPUTS,
    inputs=[
        Input("reports-interval", "n_intervals"),
        Input("reports-filter-unit", "value"),
        Input("reports-filter-category", "value"),
        Input("reports-filter-status", "value"),
        Input("reports-changed", "data"),
    ],
    state=[State(LANG_STORE_ID, "data")],
)
def refresh(
    _n: int | None,
    unit: str | None,
    category: str | None,
    status: str | None,
    _changed: int | None,
    lang: str | None,
) -> dict[str, Any]:
    """Rebuild the cards and the table (filters, a workflow step or the timer)."""
    language = language_or_default(lang)
    try:
        return refresh_at(utcnow(), unit, category, status, language)
    except SQLAlchemyError as exc:  # the timer tries again
        return only(OUTPUTS, table=failed(exc, language))


def apply_action(
    report_id: int, to: str, now: datetime, client: str = "", detail: Decision | None = None
) -> str | None:
    """Move one report to ``to`` as the signed-in principal; None when done, else the
    error code (``unknown``, ``forbidden``, ``not_allowed``, or what :func:`checked_note`
    finds missing: ``no_reason``, ``no_assignee``, ``no_original``)."""
    principal = viewer()
    if row_id_or_none(report_id) is None:
        return "unknown"
    with current_store().session() as session:
        report = session.get(CitizenReport, report_id)
        if report is None or principal is None or not principal.sees_unit(report.unit_code):
            return "unknown"  # a report out of scope is not even admitted to exist
        if not principal.changes_unit(report.unit_code):
            return "forbidden"
        wish = detail or Decision()
        note, error = checked_note(session, principal, report, to, wish)
        if error is not None:
            return error
        try:
            change_status(
                session,
                report,
                to,
                actor=principal.name,
                at=now,
                client=client,
                note=note,
                duplicate_of=wish.duplicate_of if to == "duplicate" else None,
            )
        except TransitionError:
            return "not_allowed"
        if to == "assigned":
            report.agency = wish.assignee.strip()[:200]
    return None


ACT_OUTPUTS = {
    "changed": Output("reports-changed", "data"),
    "message": Output("reports-message", "children"),
}


@callback(
    output=ACT_OUTPUTS,
    inputs=[Input({"type": "reports-action", "report": ALL, "to": ALL}, "n_clicks")],
    state=[State("reports-changed", "data"), State(LANG_STORE_ID, "data")],
    prevent_initial_call=True,
)
def act(_clicks: list[int | None], changed: int | None, lang: str | None) -> dict[str, Any]:
    """A workflow button was pressed: apply the step, then let the table refresh."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, Mapping) or not any(c.get("value") for c in ctx.triggered):
        return only(ACT_OUTPUTS)
    language = language_or_default(lang)
    report_id, to = row_id_or_none(trigger.get("report")), trigger.get("to")
    if report_id is None or not isinstance(to, str):
        return only(ACT_OUTPUTS, message=denied(language))
    if to in NEEDS_DECISION:  # the decision panel asks for its details and a confirmation
        return only(ACT_OUTPUTS)
    done, message = step_result(report_id, to, None, language)
    if not done:
        return only(ACT_OUTPUTS, message=message)
    return {"changed": (changed or 0) + 1, "message": message}


def step_result(report_id: int, to: str, detail: Decision | None, lang: str) -> tuple[bool, str]:
    """Apply a step as the signed-in principal (:func:`apply_action`): whether it was
    applied, and the sentence that says what happened (nothing is saved on a database
    error: the button can be pressed again)."""
    try:
        error = apply_action(report_id, to, utcnow(), web_client(), detail)
    except SQLAlchemyError as exc:
        return False, t("reports.failed", lang, id=report_id, reason=reason(exc, lang))
    if error is not None:
        why = t(f"reports.error.{error}", lang)
        return False, t("reports.failed", lang, id=report_id, reason=why)
    return True, t("reports.done", lang, id=report_id, status=t(f"reports.status.{to}", lang))


CONFIRM_OUTPUTS = {
    "changed": Output("reports-changed", "data", allow_duplicate=True),
    "message": Output("reports-message", "children", allow_duplicate=True),
    "hidden": Output("reports-decision", "hidden", allow_duplicate=True),
}


@callback(
    output=CONFIRM_OUTPUTS,
    inputs=[Input("reports-decision-confirm", "n_clicks")],
    state=[
        State("reports-decision-what", "data"),
        State("reports-decision-note", "value"),
        State("reports-decision-original", "value"),
        State("reports-decision-assignee", "value"),
        State("reports-changed", "data"),
        State(LANG_STORE_ID, "data"),
        State("reports-decision-kind", "value"),
    ],
    prevent_initial_call=True,
)
def confirm(clicks: int | None, what: Any, *values: Any) -> dict[str, Any]:
    """The decision panel's confirmation: apply the step with its details (checked again);
    ``values`` are the note, the original, the assignee, the change counter, the language
    and the kind of a case to open."""
    note, original, assignee, changed, lang, kind = values
    if not clicks or not isinstance(what, Mapping):
        return only(CONFIRM_OUTPUTS)
    language = language_or_default(lang)
    report_id, to = row_id_or_none(what.get("report")), what.get("to")
    if report_id is not None and to == CASE:
        done, message = case_opened(report_id, (kind, note), language)
    elif report_id is not None and isinstance(to, str) and to in NEEDS_DECISION:
        detail = decision_from(note, original, assignee)
        done, message = step_result(report_id, to, detail, language)
    else:
        return only(CONFIRM_OUTPUTS, message=denied(language))
    if not done:
        return only(CONFIRM_OUTPUTS, message=message)
    return {"changed": (changed or 0) + 1, "message": message, "hidden": True}
