"""The decision panel of ``/reports``: steps that close a report or name who handles it ask
for their details and a confirmation before anything changes.

* reject (``rejected``) needs its reason;
* duplicate needs the number of the report it duplicates (one the person can see, not
  itself): the closed report's ``duplicate_of`` points at it, its status note (published
  as Open311 ``status_notes``) says "Trùng với phản ánh #N", and the table shows the link
  on both rows;
* assign (``assigned``) names an agency or a field officer, kept as the report's agency;
* resolve confirms, with an optional note.

The panel has fixed ids outside the table, which is rebuilt every few seconds; the server
checks everything again (:func:`checked_note`), whatever the panel offered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from sqlalchemy.orm import Session

from ioc.app_context import LANG_STORE_ID, current_store
from ioc.auth.guard import row_id_or_none
from ioc.auth.principal import Principal
from ioc.auth.teams import assignees_for
from ioc.i18n import DEFAULT_LANGUAGE, language_or_default, t
from ioc.pages.access import viewer
from ioc.pages.states import only
from ioc.reports.categories import load_categories
from ioc.store.models import CitizenReport

NEEDS_DECISION = frozenset({"assigned", "resolved", "rejected", "duplicate"})
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
}


def opened(report_id: object, to: str, lang: str) -> dict[str, Any]:
    """The panel's outputs (but the note and the original) for a step on a report the
    person may change; else the panel stays shut (the step itself is refused on
    confirmation anyway)."""
    principal = viewer()
    wanted = row_id_or_none(report_id)
    if principal is None or wanted is None or to not in NEEDS_DECISION:
        return dict(SHUT)
    with current_store().session() as session:
        report = session.get(CitizenReport, wanted)
        if report is None or not principal.changes_unit(report.unit_code):
            return dict(SHUT)
        options = assignee_options(session, report) if to == "assigned" else []
    step = t(f"reports.action.{to}", lang)
    label = t("reports.decision.reason" if to == "rejected" else "reports.decision.note", lang)
    return {
        "what": {"report": wanted, "to": to},
        "hidden": False,
        "title": t("reports.decision.title", lang, id=wanted, step=step),
        "confirm": t("reports.decision.confirm", lang, step=step),
        "note_label": label,
        "original_hidden": to != "duplicate",
        "assignee_hidden": to != "assigned",
        "assignees": options,
    }


@callback(
    output=OUTPUTS,
    inputs=[
        Input({"type": "reports-action", "report": ALL, "to": ALL}, "n_clicks"),
        Input("reports-decision-cancel", "n_clicks"),
    ],
    state=[State(LANG_STORE_ID, "data")],
    prevent_initial_call=True,
)
def open_panel(_clicks: list[int | None], _cancel: int | None, lang: str | None) -> dict[str, Any]:
    """A step that needs a decision opens the panel (empty); cancel shuts it."""
    trigger = ctx.triggered_id
    if not any(c.get("value") for c in ctx.triggered):
        return only(OUTPUTS)
    if trigger == "reports-decision-cancel":
        return only(OUTPUTS, what=None, hidden=True, note="", original="")
    if not isinstance(trigger, Mapping) or trigger.get("to") not in NEEDS_DECISION:
        return only(OUTPUTS)
    to = str(trigger.get("to"))
    return {
        **opened(trigger.get("report"), to, language_or_default(lang)),
        "note": "",
        "original": "",
    }
