"""Page ``/vu-viec``: violation cases (vụ việc vi phạm) of the reader's units and their steps.

The open-case counts by step and age on top, then the cases, open ones first, each with its
origin (a camera change, a citizen report, an incident) and the steps recorded so far. An
operator records the next step through the step form (date, officer, document; a sanction's
decision number and amount) or opens a case from a report or an incident; the server checks
everything again (:mod:`ioc.violations.actions`), whatever the page offered. Viewers,
leaders and field staff read only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ioc.app_context import LANG_STORE_ID, current_settings, current_store, web_client
from ioc.auth.guard import row_id_or_none
from ioc.auth.principal import Principal
from ioc.i18n import language_or_default, t
from ioc.pages.access import denied, viewer
from ioc.pages.case_views import (
    counts_table,
    fingerprint,
    kind_options,
    opened_text,
    origin_link,
    step_lines,
)
from ioc.pages.panels import data_attrs, simulated_badge
from ioc.pages.states import failed, loading, reason
from ioc.store.models import AdminUnit
from ioc.store.models_violations import CaseStep, ViolationCase
from ioc.timeutil import to_local, utcnow
from ioc.violations.actions import HANDLING_ROLES, add_step_as, may_handle, open_case_as
from ioc.violations.queries import list_cases, open_counts, steps_of
from ioc.violations.steps import StepEntry, next_step, parse_amount

MAX_TEXT = 200
DATE_FORMAT = "%d/%m/%Y"
OPENABLE = ("report", "incident")  # a camera change is opened from /thay-doi


def register(lang: str) -> None:
    """Register the page with Dash (called by ``create_app``)."""
    dash.register_page(  # type: ignore[no-untyped-call]
        __name__,
        path="/vu-viec",
        layout=layout,
        title=t("page.cases", lang),
        name=t("page.cases", lang),
    )


def _field(label: str, control: Any) -> html.Label:
    return html.Label([html.Span(label), control], className="cases-field")


def step_form(lang: str) -> html.Section:
    """The form of a case's next step, hidden until a case's button opens it."""
    return html.Section(
        [
            html.H3(id="cases-form-title", className="reports-decision-title"),
            _field(
                t("cases.form.date", lang),
                dcc.Input(id="cases-form-date", type="text", placeholder="dd/mm/yyyy"),
            ),
            _field(t("cases.form.officer", lang), dcc.Input(id="cases-form-officer", type="text")),
            _field(
                t("cases.form.document", lang), dcc.Input(id="cases-form-document", type="text")
            ),
            html.Div(
                [
                    _field(
                        t("cases.form.decision", lang),
                        dcc.Input(id="cases-form-decision", type="text"),
                    ),
                    _field(
                        t("cases.form.amount", lang),
                        dcc.Input(id="cases-form-amount", type="text", inputMode="numeric"),
                    ),
                ],
                id="cases-form-sanction",
                hidden=True,
            ),
            _field(
                t("cases.form.note", lang),
                dcc.Textarea(id="cases-form-note", className="reports-decision-note"),
            ),
            html.Div(
                [
                    html.Button(
                        t("cases.form.confirm", lang),
                        id="cases-form-confirm",
                        n_clicks=0,
                        className="reports-decision-confirm",
                    ),
                    html.Button(
                        t("cases.form.cancel", lang),
                        id="cases-form-cancel",
                        n_clicks=0,
                        className="reports-decision-cancel",
                    ),
                ],
                className="reports-decision-buttons",
            ),
            dcc.Store(id="cases-form-what", data=None),
        ],
        id="cases-form",
        className="reports-decision",
        hidden=True,
    )


def open_form(lang: str) -> html.Section:
    """Open a case from a citizen report or an incident (by its number)."""
    origins = [{"label": t(f"cases.open.from.{o}", lang), "value": o} for o in OPENABLE]
    kinds = kind_options(lang)
    return html.Section(
        [
            html.H3(t("cases.open.title", lang), className="reports-decision-title"),
            html.Div(
                [
                    _field(
                        t("cases.open.origin", lang),
                        dcc.Dropdown(
                            id="cases-open-origin", options=origins, value="report", clearable=False
                        ),
                    ),
                    _field(
                        t("cases.open.number", lang),
                        dcc.Input(
                            id="cases-open-number",
                            type="text",
                            inputMode="numeric",
                            placeholder="#",
                        ),
                    ),
                    _field(
                        t("changes.kind", lang),
                        dcc.Dropdown(id="cases-open-kind", options=kinds, value=None),
                    ),
                    html.Button(
                        t("cases.open.confirm", lang),
                        id="cases-open-confirm",
                        n_clicks=0,
                        className="reports-decision-confirm",
                    ),
                ],
                className="cases-open-row",
            ),
        ],
        id="cases-open",
        className="reports-decision",
        hidden=True,
    )


def layout(lang: str = "vi", **_query: Any) -> Any:
    """The skeleton; the first refresh fills counts and cases (no store read here)."""
    refresh_ms = int(current_settings().web.refresh_s * 1000)
    return html.Div(
        [
            html.H2(t("case.counts.title", lang), className="reports-heading"),
            html.Div(loading(lang), id="cases-counts"),
            html.Div(id="cases-message", role="status", className="reports-message"),
            open_form(lang),
            step_form(lang),
            html.H2(t("cases.list", lang), className="reports-heading"),
            html.Div(loading(lang), id="cases-table"),
            dcc.Interval(id="cases-interval", interval=refresh_ms),
            dcc.Store(id="cases-changed", data=0),
            dcc.Store(id="cases-version", data=None),
        ],
        className="reports cases",
    )


def next_button(case: ViolationCase, lang: str, principal: Principal) -> list[Any]:
    """The button of the case's next step, for a principal that may handle the case."""
    step = next_step(case.step)
    if step is None or not may_handle(principal, case.unit_code):
        return []
    return [
        html.Button(
            t("cases.next", lang, step=t(f"case.action.{step}", lang)),
            id={"type": "cases-next", "case": case.id, "step": step},
            className="reports-action cases-next",
            n_clicks=0,
        )
    ]


def case_row(
    case: ViolationCase,
    steps: Sequence[CaseStep],
    names: Mapping[str, str],
    lang: str,
    principal: Principal,
) -> html.Tr:
    unit = names.get(case.unit_code or "", case.unit_code or "")
    return html.Tr(
        [
            html.Td([f"#{case.id}", simulated_badge(lang) if case.simulated else None]),
            html.Td(t(f"case.kind.{case.kind}", lang)),
            html.Td(unit),
            html.Td(origin_link(case, lang)),
            html.Td(opened_text(case)),
            html.Td(
                t(f"case.step.{case.step}", lang), className=f"cases-step cases-step-{case.step}"
            ),
            html.Td(step_lines(steps, lang)),
            html.Td(next_button(case, lang, principal)),
        ],
        id=f"cases-row-{case.id}",
        **data_attrs(case_id=case.id, step=case.step),
    )


def case_table(
    rows: Sequence[ViolationCase],
    steps: Mapping[int, list[CaseStep]],
    names: Mapping[str, str],
    lang: str,
    principal: Principal,
) -> Any:
    if not rows:
        return html.P(t("cases.empty", lang), className="reports-empty")
    heads = ("id", "kind", "unit", "origin", "opened", "step", "history", "actions")
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(t(f"cases.col.{h}", lang)) for h in heads])),
            html.Tbody([case_row(c, steps.get(c.id, []), names, lang, principal) for c in rows]),
        ],
        className="reports-table cases-table",
    )


def refresh_view(lang: str, version_before: Any = None) -> dict[str, Any]:
    """Counts and cases of the signed-in principal's units (``refresh`` without Dash); nothing
    is sent again while nothing changed (a table rebuilt under a finger loses its click)."""
    principal = viewer()
    if principal is None:
        return {"counts": denied(lang), "table": None, "open_hidden": True, "version": None}
    now = utcnow()
    with current_store().session() as session:
        counts = open_counts(session, principal.units, now)
        rows = list_cases(session, principal.units)
        steps = steps_of(session, [c.id for c in rows])
        names = dict(session.execute(select(AdminUnit.code, AdminUnit.name)).all())
    handler = principal.role in HANDLING_ROLES
    version = fingerprint(
        lang, principal.name, handler, counts, [(c.id, c.step, len(steps[c.id])) for c in rows]
    )
    if version == version_before:
        return dict.fromkeys(("counts", "table", "open_hidden", "version"), dash.no_update)
    return {
        "counts": counts_table(counts, lang, "cases"),
        "table": case_table(rows, steps, names, lang, principal),
        "open_hidden": not handler,
        "version": version,
    }


@callback(
    output={
        "counts": Output("cases-counts", "children"),
        "table": Output("cases-table", "children"),
        "open_hidden": Output("cases-open", "hidden"),
        "version": Output("cases-version", "data"),
    },
    inputs={
        "_n": Input("cases-interval", "n_intervals"),
        "_changed": Input("cases-changed", "data"),
        "version": State("cases-version", "data"),
        "lang": State(LANG_STORE_ID, "data"),
    },
)
def refresh(
    *, _n: int | None, _changed: int | None, version: Any, lang: str | None
) -> dict[str, Any]:
    """Rebuild counts and table (the timer, or after a step was recorded)."""
    language = language_or_default(lang)
    try:
        return refresh_view(language, version)
    except SQLAlchemyError as exc:  # the timer tries again
        skip = dash.no_update
        return {
            "counts": failed(exc, language),
            "table": skip,
            "open_hidden": skip,
            "version": None,
        }


@callback(
    output={
        "what": Output("cases-form-what", "data"),
        "hidden": Output("cases-form", "hidden"),
        "title": Output("cases-form-title", "children"),
        "sanction_hidden": Output("cases-form-sanction", "hidden"),
        "date": Output("cases-form-date", "value"),
    },
    inputs={
        "_clicks": Input({"type": "cases-next", "case": ALL, "step": ALL}, "n_clicks"),
        "_cancel": Input("cases-form-cancel", "n_clicks"),
        "lang": State(LANG_STORE_ID, "data"),
    },
    prevent_initial_call=True,
)
def open_step_form(_clicks: list[int | None], _cancel: int | None, lang: str | None) -> Any:
    """A case's next-step button opens the form (dated today); cancel shuts it."""
    skip = dash.no_update
    nothing = {"what": skip, "hidden": skip, "title": skip, "sanction_hidden": skip, "date": skip}
    trigger = ctx.triggered_id
    if not any(c.get("value") for c in ctx.triggered):
        return nothing
    if trigger == "cases-form-cancel":
        return {**nothing, "what": None, "hidden": True}
    if not isinstance(trigger, Mapping):
        return nothing
    case_id, step = row_id_or_none(trigger.get("case")), trigger.get("step")
    if case_id is None or not isinstance(step, str):
        return nothing
    language = language_or_default(lang)
    title = t("cases.form.title", language, id=case_id, step=t(f"case.action.{step}", language))
    return {
        "what": {"case": case_id, "step": step},
        "hidden": False,
        "title": title,
        "sanction_hidden": step != "sanction_decided",
        "date": to_local(utcnow()).date().strftime(DATE_FORMAT),
    }


def parse_date(text: object) -> date | None:
    """A date as typed: ``10/03/2026`` (the page's way) or ``2026-03-10``; else None."""
    if not isinstance(text, str):
        return None
    for pattern in (DATE_FORMAT, "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def entry_from(what: Mapping[str, Any], values: Mapping[str, Any]) -> StepEntry | str:
    """The step the form describes, or the code of what is missing or garbled."""
    step = what.get("step")
    done_on = parse_date(values.get("date"))
    if done_on is None:
        return "no_date"
    text = {
        k: str(values.get(k) or "").strip()[:MAX_TEXT]
        for k in ("officer", "document", "decision", "note")
    }
    amount = parse_amount(values.get("amount")) if step == "sanction_decided" else None
    return StepEntry(
        step=str(step),
        done_on=done_on,
        officer=text["officer"],
        document=text["document"],
        decision_no=text["decision"],
        amount_vnd=amount,
        note=text["note"],
    )


@callback(
    output={
        "changed": Output("cases-changed", "data"),
        "message": Output("cases-message", "children"),
        "hidden": Output("cases-form", "hidden", allow_duplicate=True),
    },
    inputs={
        "clicks": Input("cases-form-confirm", "n_clicks"),
        "what": State("cases-form-what", "data"),
        "values": {
            "date": State("cases-form-date", "value"),
            "officer": State("cases-form-officer", "value"),
            "document": State("cases-form-document", "value"),
            "decision": State("cases-form-decision", "value"),
            "amount": State("cases-form-amount", "value"),
            "note": State("cases-form-note", "value"),
        },
        "changed": State("cases-changed", "data"),
        "lang": State(LANG_STORE_ID, "data"),
    },
    prevent_initial_call=True,
)
def record_step(
    clicks: int | None,
    what: Any,
    values: dict[str, Any],
    changed: int | None,
    lang: str | None,
) -> dict[str, Any]:
    """The form's confirmation: record the step as the signed-in principal (checked again)."""
    skip = dash.no_update
    language = language_or_default(lang)
    if not clicks or not isinstance(what, Mapping):
        return {"changed": skip, "message": skip, "hidden": skip}
    case_id = row_id_or_none(what.get("case"))
    if case_id is None:
        return {"changed": skip, "message": denied(language), "hidden": skip}
    entry = entry_from(what, values)
    error = entry if isinstance(entry, str) else None
    try:
        if isinstance(entry, StepEntry):
            error = add_step_as(
                current_store(), viewer(), case_id, entry, now=utcnow(), client=web_client()
            )
    except SQLAlchemyError as exc:
        error_text = t("cases.failed", language, id=case_id, reason=reason(exc, language))
        return {"changed": skip, "message": error_text, "hidden": skip}
    if error is not None:
        why = t(f"case.error.{error}", language)
        return {
            "changed": skip,
            "message": t("cases.failed", language, id=case_id, reason=why),
            "hidden": skip,
        }
    step = t(f"case.step.{what.get('step')}", language)
    done = t("cases.done", language, id=case_id, step=step)
    return {"changed": (changed or 0) + 1, "message": done, "hidden": True}


@callback(
    output={
        "changed": Output("cases-changed", "data", allow_duplicate=True),
        "message": Output("cases-message", "children", allow_duplicate=True),
    },
    inputs={
        "clicks": Input("cases-open-confirm", "n_clicks"),
        "origin": State("cases-open-origin", "value"),
        "number": State("cases-open-number", "value"),
        "kind": State("cases-open-kind", "value"),
        "changed": State("cases-changed", "data"),
        "lang": State(LANG_STORE_ID, "data"),
    },
    prevent_initial_call=True,
)
def open_from_origin(
    *, clicks: int | None, origin: Any, number: Any, kind: Any, changed: int | None, lang: Any
) -> dict[str, Any]:
    """Open a case from the report or incident numbered in the form."""
    skip = dash.no_update
    language = language_or_default(lang)
    if not clicks:
        return {"changed": skip, "message": skip}
    origin_id = row_id_or_none(number.strip().lstrip("#") if isinstance(number, str) else number)
    if origin not in OPENABLE or origin_id is None:
        return {
            "changed": skip,
            "message": t("cases.open.failed", language, reason=t("case.error.unknown", language)),
        }
    try:
        case_id, error = open_case_as(
            current_store(),
            viewer(),
            str(origin),
            origin_id,
            str(kind or ""),
            now=utcnow(),
            client=web_client(),
        )
    except SQLAlchemyError as exc:
        return {
            "changed": skip,
            "message": t("cases.open.failed", language, reason=reason(exc, language)),
        }
    if error is not None:
        why = t(f"case.error.{error}", language)
        return {"changed": skip, "message": t("cases.open.failed", language, reason=why)}
    return {"changed": (changed or 0) + 1, "message": t("cases.open.done", language, id=case_id)}
