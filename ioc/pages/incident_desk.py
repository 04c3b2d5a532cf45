"""The incident desk: acting on an incident from a page that lists incidents (``/``,
``/unit/<code>`` and ``/ioc/<code>``), not only from ``/field``.

Each incident row of the queue carries a "Xử lý" button for a person who may change its
unit; pressing it opens the desk below the queue: the incident's title, the actions its
status allows, whom to dispatch it to (the field officers and teams of its unit, as data)
and a note, which a false alarm needs as its reason. The desk has fixed ids outside the
queue, so a refresh of the queue never wipes what is being typed. Every press goes
through :func:`ioc.pages.incident_acts.perform`, which checks the signed-in principal on
the server again: what the desk offered is never trusted. The desk's case part (open a
violation case from the incident, or its link) is :mod:`ioc.pages.desk_cases`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from ioc.aggregates.feeds import IncidentItem
from ioc.app_context import LANG_STORE_ID, current_store
from ioc.auth.guard import row_id_or_none
from ioc.auth.teams import Assignee, assignees_for
from ioc.i18n import language_or_default, t
from ioc.incidents.lifecycle import allowed_actions
from ioc.pages import desk_cases, incident_acts
from ioc.pages.access import viewer
from ioc.pages.states import only, reason
from ioc.store.models import Incident

PREFIXES = ("overview", "unit", "iocpage")  # the pages that carry a desk
DESK_ACTIONS = ("acknowledge", "dispatch", "resolve", "false_alarm")


def open_type(prefix: str) -> str:
    return f"{prefix}-desk-open"


def row_button(prefix: str, lang: str) -> Callable[[IncidentItem], Any]:
    """For a queue row: the desk's button when the signed-in person may change the row's
    unit, else None (a first filter only: the server checks again on every press)."""
    principal = viewer()

    def button(item: IncidentItem) -> Any:
        if principal is None or not principal.changes_unit(item.unit_code):
            return None
        return open_button(prefix, item.id, lang)

    return button


def open_button(prefix: str, incident_id: int, lang: str) -> html.Button:
    return html.Button(
        t("desk.open", lang),
        id={"type": open_type(prefix), "incident": incident_id},
        className="ioc-desk-open",
        n_clicks=0,
    )


def desk(prefix: str, lang: str) -> html.Section:
    """The desk's skeleton (hidden until a row's button opens it)."""
    buttons = [
        html.Button(
            t(f"incident.action.{action}", lang),
            id=f"{prefix}-desk-{action}",
            className=f"ioc-desk-button ioc-desk-{action}",
            n_clicks=0,
        )
        for action in DESK_ACTIONS
    ]
    return html.Section(
        [
            html.H3(id=f"{prefix}-desk-title", className="ioc-desk-title"),
            html.Div(
                [
                    html.Label(
                        t("desk.assignee", lang),
                        htmlFor=f"{prefix}-desk-assignee",
                        className="ioc-desk-label",
                    ),
                    dcc.Dropdown(
                        id=f"{prefix}-desk-assignee",
                        options=[],
                        clearable=True,
                        placeholder=t("desk.assignee_pick", lang),
                    ),
                ]
            ),
            html.Label(
                [
                    html.Span(t("desk.note", lang), className="ioc-desk-label"),
                    dcc.Textarea(id=f"{prefix}-desk-note", className="ioc-desk-note"),
                ]
            ),
            html.Div(buttons, className="ioc-desk-buttons"),
            html.Div(id=f"{prefix}-desk-status", role="status", className="ioc-desk-status"),
            desk_cases.section(prefix, lang),
            dcc.Store(id=f"{prefix}-desk-incident", data=None),
        ],
        id=f"{prefix}-desk",
        className="ioc-desk",
        hidden=True,
    )


def choice_options(choices: list[Assignee], lang: str) -> list[dict[str, str]]:
    return [
        {"label": t("desk.team", lang, name=c.label) if c.team else c.label, "value": c.value}
        for c in choices
    ]


def disabled_key(action: str) -> str:
    """The name of the output that disables the desk's button for ``action``."""
    return f"{action}_disabled"


def open_outputs(prefix: str) -> dict[str, Output]:
    """What opening the desk of the page of ``prefix`` writes, by name."""
    return {
        "incident": Output(f"{prefix}-desk-incident", "data"),
        "title": Output(f"{prefix}-desk-title", "children"),
        "options": Output(f"{prefix}-desk-assignee", "options"),
        "hidden": Output(f"{prefix}-desk", "hidden"),
        **{disabled_key(a): Output(f"{prefix}-desk-{a}", "disabled") for a in DESK_ACTIONS},
        "status": Output(f"{prefix}-desk-status", "children", allow_duplicate=True),
    }


def opened(incident_id: object, lang: str) -> dict[str, Any]:
    """The desk for one incident (see :func:`open_outputs`): shut, with the reason in its
    status, when the signed-in person may not act on it."""
    principal = viewer()
    wanted = row_id_or_none(incident_id)
    with current_store().session() as session:
        incident = session.get(Incident, wanted) if wanted is not None else None
        error = incident_acts.refusal(principal, incident)
        if error is not None or incident is None:
            return {
                "incident": None,
                "title": "",
                "options": [],
                "hidden": True,
                **{disabled_key(a): True for a in DESK_ACTIONS},
                "status": incident_acts.error_text(error or "unknown_incident", lang),
            }
        options = choice_options(assignees_for(session, incident.unit_code), lang)
        allowed = set(allowed_actions(incident.status))
        title = t("desk.title", lang, id=incident.id, title=incident.title or incident.kind)
        return {
            "incident": incident.id,
            "title": title,
            "options": options,
            "hidden": False,
            **{disabled_key(a): a not in allowed for a in DESK_ACTIONS},
            "status": "" if options else t("desk.nobody", lang),
        }


def act(action: str, incident_id: object, assignee: object, note: object, lang: str) -> str:
    """Apply a desk press; the sentence that says what happened."""
    wanted = row_id_or_none(incident_id)
    if wanted is None or action not in DESK_ACTIONS:
        return incident_acts.error_text("unknown_incident", lang)
    chosen = assignee if isinstance(assignee, str) else ""
    if action == "dispatch" and not chosen:
        return incident_acts.error_text("no_assignee", lang)
    wish = incident_acts.Wish(
        action,
        note=str(note or "")[:2000],
        assignee=chosen if action == "dispatch" else None,
        reason_required=True,
    )
    return incident_acts.perform(wanted, wish, lang)


def register_callbacks(prefix: str) -> None:
    """The desk's callbacks for the page of ``prefix`` (its case part's too)."""
    outputs = open_outputs(prefix)
    desk_cases.register_callbacks(prefix)

    @callback(
        output=outputs,
        inputs=[Input({"type": open_type(prefix), "incident": ALL}, "n_clicks")],
        state=[State(LANG_STORE_ID, "data")],
        prevent_initial_call=True,
    )
    def open_desk(_clicks: list[int | None], lang: str | None) -> dict[str, Any]:
        trigger = ctx.triggered_id
        if not isinstance(trigger, Mapping) or not any(c.get("value") for c in ctx.triggered):
            return only(outputs)
        language = language_or_default(lang)
        try:
            return opened(trigger.get("incident"), language)
        except SQLAlchemyError as exc:
            return only(outputs, status=t("field.error", language, reason=reason(exc, language)))

    @callback(
        Output(f"{prefix}-desk-status", "children"),
        *[Input(f"{prefix}-desk-{a}", "n_clicks") for a in DESK_ACTIONS],
        State(f"{prefix}-desk-incident", "data"),
        State(f"{prefix}-desk-assignee", "value"),
        State(f"{prefix}-desk-note", "value"),
        State(LANG_STORE_ID, "data"),
        prevent_initial_call=True,
    )
    def press(*values: Any) -> Any:
        incident_id, assignee, note, lang = values[len(DESK_ACTIONS) :]
        trigger = ctx.triggered_id
        if not isinstance(trigger, str) or not any(c.get("value") for c in ctx.triggered):
            return dash.no_update
        language = language_or_default(lang)
        try:
            action = trigger.removeprefix(f"{prefix}-desk-")
            return act(action, incident_id, assignee, note, language)
        except SQLAlchemyError as exc:
            return t("field.error", language, reason=reason(exc, language))


for _prefix in PREFIXES:
    register_callbacks(_prefix)
