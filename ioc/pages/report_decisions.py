"""The decision panel of ``/reports``: steps that close a report or name who handles it ask
for their details and a confirmation before anything changes.

* reject (``rejected``) needs its reason;
* duplicate needs the number of the report it duplicates (one the person can see, not
  itself): the closed report's ``duplicate_of`` points at it, its status note (published
  as Open311 ``status_notes``) says "Trùng với phản ánh #N", and the table shows the link
  on both rows;
* assign (``assigned``) names an agency or a field officer, kept as the report's agency;
* resolve confirms, with an optional note;
* open a violation case (``case``, not a report status: the row's "Mở vụ việc") asks for
  the case's kind (the report's category suggests one) and opens it through
  :func:`ioc.violations.actions.open_case_as`, whose rights are those of ``/vu-viec``
  (operators and admins, in their units). A report that already led to a case shows the
  link to it instead, in the row and in the panel.

The panel has fixed ids outside the table, which is rebuilt every few seconds; the server
checks everything again (:func:`checked_note`, :func:`case_opened`), whatever the panel
offered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ioc.app_context import LANG_STORE_ID, current_store, web_client
from ioc.auth.guard import row_id_or_none
from ioc.auth.principal import Principal
from ioc.auth.teams import assignees_for
from ioc.i18n import DEFAULT_LANGUAGE, language_or_default, t
from ioc.pages.access import viewer
from ioc.pages.case_views import case_link, kind_options
from ioc.pages.states import only, reason
from ioc.reports.categories import load_categories
from ioc.store.models import CitizenReport
from ioc.timeutil import utcnow
from ioc.violations.actions import may_handle, open_case_as
from ioc.violations.cases import existing_case
from ioc.violations.steps import REPORT_KINDS

NEEDS_DECISION = frozenset({"assigned", "resolved", "rejected", "duplicate"})
CASE = "case"  # the panel's step that opens a violation case (no report status)
PANEL_STEPS = NEEDS_DECISION | {CASE}
MAX_NOTE = 1000


@dataclass(frozen=True)
class Decision:
    """What the panel sends with a step: a reason or note, the original, the assignee."""

    note: str = ""
    duplicate_of: int | None = None
    assignee: str = ""


def decision_from(note: object, original: object, assignee: object) -> Decision:
    """A :class:`Decision` from the values a client sent (anything odd counts as empty)."""
    text = note.strip()[:MAX_NOTE] if isinstance(note, str) else ""
    number = original.strip().lstrip("#") if isinstance(original, str) else original
    chosen = assignee.strip() if isinstance(assignee, str) else ""
    return Decision(text, row_id_or_none(number), chosen[:200])


def checked_note(
    session: Session, principal: Principal, report: CitizenReport, to: str, wish: Decision
) -> tuple[str, str | None]:
    """The status note a step stores, or the code of what it lacks (no_reason,
    no_assignee, no_original). Notes are stored in Vietnamese: Open311 publishes them."""
    lang = DEFAULT_LANGUAGE
    if to == "rejected" and not wish.note:
        return "", "no_reason"
    if to == "assigned":
        if not wish.assignee:
            return "", "no_assignee"
        return joined(t("reports.note.assigned", lang, name=wish.assignee), wish.note), None
    if to == "duplicate":
        if not original_ok(session, principal, report, wish.duplicate_of):
            return "", "no_original"
        return joined(t("reports.note.duplicate", lang, id=wish.duplicate_of), wish.note), None
    return wish.note, None


def original_ok(
    session: Session, principal: Principal, report: CitizenReport, original_id: int | None
) -> bool:
    """Whether ``original_id`` is another report this person sees (out of sight: as if it
    did not exist)."""
    original = session.get(CitizenReport, original_id) if original_id else None
    if original is None or original.id == report.id:
        return False
    return principal.sees_unit(original.unit_code)


def joined(first: str, note: str) -> str:
    return f"{first}. {note}" if note else first


def decision_panel(lang: str) -> html.Section:
    """The panel's skeleton, hidden until a step that needs a decision is pressed."""
    return html.Section(
        [
            html.H3(id="reports-decision-title", className="reports-decision-title"),
            html.Div(id="reports-decision-case", className="reports-decision-case"),
            html.Div(
                [
                    html.Label(t("changes.kind", lang), htmlFor="reports-decision-kind"),
                    dcc.Dropdown(
                        id="reports-decision-kind",
                        options=kind_options(lang),
                        placeholder=t("case.kind_pick", lang),
                    ),
                ],
                id="reports-decision-kind-wrap",
                hidden=True,
            ),
            html.Label(
                [
                    html.Span(t("reports.decision.original", lang)),
                    dcc.Input(
                        id="reports-decision-original",
                        type="text",
                        inputMode="numeric",
                        placeholder="#",
                        className="reports-decision-original",
                    ),
                ],
                id="reports-decision-original-wrap",
                hidden=True,
            ),
            html.Div(
                [
                    html.Label(
                        t("reports.decision.assignee", lang), htmlFor="reports-decision-assignee"
                    ),
                    dcc.Dropdown(
                        id="reports-decision-assignee",
                        options=[],
                        placeholder=t("reports.decision.assignee_pick", lang),
                    ),
                ],
                id="reports-decision-assignee-wrap",
                hidden=True,
            ),
            html.Label(
                [
                    html.Span(id="reports-decision-note-label"),
                    dcc.Textarea(id="reports-decision-note", className="reports-decision-note"),
                ],
                id="reports-decision-note-wrap",
            ),
            html.Div(
                [
                    html.Button(
                        id="reports-decision-confirm",
                        className="reports-decision-confirm",
                        n_clicks=0,
                    ),
                    html.Button(
                        t("reports.decision.cancel", lang),
                        id="reports-decision-cancel",
                        className="reports-decision-cancel",
                        n_clicks=0,
                    ),
                ],
                className="reports-decision-buttons",
            ),
            dcc.Store(id="reports-decision-what", data=None),
        ],
        id="reports-decision",
        className="reports-decision",
        hidden=True,
    )


def assignee_options(session: Session, report: CitizenReport) -> list[dict[str, str]]:
    """The agency routing suggested, the category's agency, and the unit's field officers."""
    category = load_categories(session).get(report.service_code)
    agencies = [report.agency, category.agency_vi if category else ""]
    names = [a for i, a in enumerate(agencies) if a and a not in agencies[:i]]
    officers = [c.label for c in assignees_for(session, report.unit_code) if not c.team]
    return [{"label": name, "value": name} for name in names + officers]


OUTPUTS = {
    "what": Output("reports-decision-what", "data"),
    "hidden": Output("reports-decision", "hidden"),
    "title": Output("reports-decision-title", "children"),
    "confirm": Output("reports-decision-confirm", "children"),
    "note_label": Output("reports-decision-note-label", "children"),
    "original_hidden": Output("reports-decision-original-wrap", "hidden"),
    "assignee_hidden": Output("reports-decision-assignee-wrap", "hidden"),
    "assignees": Output("reports-decision-assignee", "options"),
    "kind_hidden": Output("reports-decision-kind-wrap", "hidden"),
    "kind": Output("reports-decision-kind", "value"),
    "case": Output("reports-decision-case", "children"),
    "note_hidden": Output("reports-decision-note-wrap", "hidden"),
    "confirm_hidden": Output("reports-decision-confirm", "hidden"),
    "note": Output("reports-decision-note", "value"),
    "original": Output("reports-decision-original", "value"),
}
SHUT: dict[str, Any] = {
    "what": None,
    "hidden": True,
    "title": "",
    "confirm": "",
    "note_label": "",
    "original_hidden": True,
    "assignee_hidden": True,
    "assignees": [],
    "kind_hidden": True,
    "kind": None,
    "case": None,
    "note_hidden": False,
    "confirm_hidden": False,
}


def opened(report_id: object, to: str, lang: str) -> dict[str, Any]:
    """The panel's outputs (but the note and the original) for a step on a report the
    person may change (opening a case: may handle, see :func:`may_handle`); else the panel
    stays shut (the step itself is refused on confirmation anyway). A report that already
    led to a case shows its link; opening a second one is not offered."""
    principal = viewer()
    wanted = row_id_or_none(report_id)
    if principal is None or wanted is None or to not in PANEL_STEPS:
        return dict(SHUT)
    with current_store().session() as session:
        report = session.get(CitizenReport, wanted)
        if report is None or not principal.changes_unit(report.unit_code):
            return dict(SHUT)
        if to == CASE and not may_handle(principal, report.unit_code):
            return dict(SHUT)
        options = assignee_options(session, report) if to == "assigned" else []
        case_id = existing_case(session, "report", wanted)
        suggested = REPORT_KINDS.get(report.service_code)
    step = t(f"reports.action.{to}", lang)
    label = t("reports.decision.reason" if to == "rejected" else "reports.decision.note", lang)
    done = to == CASE and case_id is not None  # nothing to confirm: the link says where
    return {
        "what": None if done else {"report": wanted, "to": to},
        "hidden": False,
        "title": t("reports.decision.title", lang, id=wanted, step=step),
        "confirm": t("reports.decision.confirm", lang, step=step),
        "note_label": label,
        "original_hidden": to != "duplicate",
        "assignee_hidden": to != "assigned",
        "assignees": options,
        "kind_hidden": to != CASE or done,
        "kind": suggested if to == CASE else None,
        "case": None if case_id is None else case_link(case_id, lang),
        "note_hidden": done,
        "confirm_hidden": done,
    }


def panel_step(trigger: object) -> tuple[object, str] | None:
    """(report id, step) of the row button that was pressed, when it opens the panel."""
    if not isinstance(trigger, Mapping):
        return None
    if trigger.get("type") == "reports-case":
        return trigger.get("report"), CASE
    to = trigger.get("to")
    return (trigger.get("report"), str(to)) if to in NEEDS_DECISION else None


@callback(
    output=OUTPUTS,
    inputs=[
        Input({"type": "reports-action", "report": ALL, "to": ALL}, "n_clicks"),
        Input({"type": "reports-case", "report": ALL}, "n_clicks"),
        Input("reports-decision-cancel", "n_clicks"),
    ],
    state=[State(LANG_STORE_ID, "data")],
    prevent_initial_call=True,
)
def open_panel(
    _steps: list[int | None], _cases: list[int | None], _cancel: int | None, lang: str | None
) -> dict[str, Any]:
    """A step that needs a decision, or "Mở vụ việc", opens the panel (empty); cancel shuts
    it."""
    trigger = ctx.triggered_id
    if not any(c.get("value") for c in ctx.triggered):
        return only(OUTPUTS)
    if trigger == "reports-decision-cancel":
        return only(OUTPUTS, what=None, hidden=True, note="", original="")
    pressed = panel_step(trigger)
    if pressed is None:
        return only(OUTPUTS)
    report_id, to = pressed
    return {**opened(report_id, to, language_or_default(lang)), "note": "", "original": ""}


def case_button(report: CitizenReport, case_id: int | None, lang: str, principal: Principal) -> Any:
    """The row's case part: the link to the case the report led to; else "Mở vụ việc" for a
    principal that may handle the report's unit; else nothing."""
    if case_id is not None:
        return case_link(case_id, lang)
    if not may_handle(principal, report.unit_code):
        return None
    return html.Button(
        t("reports.action.case", lang),
        id={"type": "reports-case", "report": report.id},
        className="reports-action reports-action-case",
        n_clicks=0,
    )


def case_opened(report_id: int, wish: tuple[object, object], lang: str) -> tuple[bool, str]:
    """Open a case from report ``report_id`` with the panel's (kind, note) as the signed-in
    principal, checked again by :func:`ioc.violations.actions.open_case_as`: whether it
    was opened, and the sentence that says what happened."""
    kind, note = wish
    try:
        case_id, error = open_case_as(
            current_store(),
            viewer(),
            "report",
            report_id,
            kind if isinstance(kind, str) else "",
            note=note.strip()[:MAX_NOTE] if isinstance(note, str) else "",
            now=utcnow(),
            client=web_client(),
        )
    except SQLAlchemyError as exc:
        return False, t("reports.failed", lang, id=report_id, reason=reason(exc, lang))
    if error is not None:
        why = t(f"case.error.{error}", lang)
        return False, t("reports.failed", lang, id=report_id, reason=why)
    return True, t("reports.case.done", lang, id=report_id, case=case_id)
