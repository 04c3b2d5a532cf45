"""Page ``/field``: a phone-sized list of the open incidents the signed-in person handles.

Field staff see the incidents assigned to them and those of their unit's scope, operators
their scope; only a province-wide account may narrow the list with ``?unit=<code>``. Each
card shows the snapshot, place (``geo:`` directions and a map link), and buttons for the
actions the incident's status allows, when this person may act on it; a press goes through
:func:`ioc.incidents.actions.apply_action`, like an acknowledgement from the ack topic, with
the signed-in person as the actor (checked again on the locked incident). What is
assigned to this person (or their team) comes first. The list is
rebuilt only when an incident changed, so a note being typed is never wiped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from ioc.app_context import LANG_STORE_ID, current_settings, current_store
from ioc.auth.guard import (
    incidents_seen,
    may_act_on_incident,
    row_id_or_none,
    unit_code_or_none,
)
from ioc.auth.principal import TEAM_PREFIX, Principal
from ioc.i18n import language_or_default, t
from ioc.incidents.lifecycle import allowed_actions
from ioc.incidents.queries import open_incidents, version_of
from ioc.notify.message import geo_uri, map_url, snapshot_url
from ioc.pages import incident_acts
from ioc.pages.access import denied, viewer
from ioc.pages.panels import simulated_badge
from ioc.pages.states import failed, loading, only, reason
from ioc.pages.unit import find_unit
from ioc.store.models import Incident
from ioc.timeutil import format_local


def register(lang: str) -> None:
    """Register the page with Dash (called by ``create_app`` before it adopts callbacks)."""
    dash.register_page(  # type: ignore[no-untyped-call]
        __name__,
        path="/field",
        layout=layout,
        title=t("page.field", lang),
        name=t("page.field", lang),
    )


def chosen_unit(principal: Principal, unit: object) -> str | None:
    """The unit the list is narrowed to: ``?unit=`` for a province-wide account only."""
    return unit_code_or_none(unit) if principal.province_wide else None


def scope_text(principal: Principal, unit: str | None, lang: str, name: str | None = None) -> str:
    if not principal.province_wide:
        return t("field.scope", lang, unit=name or principal.unit_code or "")
    return t("field.unit", lang, unit=name or unit) if unit else t("field.all_units", lang)


def layout(lang: str = "vi", unit: str | None = None, **_query: Any) -> Any:
    """The page skeleton for the signed-in person; the first refresh fills the list.

    Like every layout it is also called to learn the page's ids (then with nobody's name):
    it must always carry every id, so who may open the page is decided by the gate and
    what it shows by the callbacks, never here."""
    lang = language_or_default(lang)
    principal = viewer()  # the skeleton holds no data: only this person's name
    refresh_ms = int(current_settings().web.refresh_s * 1000)
    chosen = chosen_unit(principal, unit) if principal else None
    return html.Div(
        [
            html.H2(t("field.heading", lang), className="field-heading"),
            html.P(
                scope_text(principal, chosen, lang) if principal else "",
                id="field-unit-label",
                className="field-unit",
            ),
            html.P(
                t("access.actor", lang, name=principal.name) if principal else "",
                id="field-actor",
                className="field-actor",
            ),
            html.Div(id="field-status", role="status", className="field-status"),
            html.Div(loading(lang), id="field-list", className="field-list"),
            dcc.Store(id="field-unit", data=chosen or ""),
            dcc.Store(id="field-version", data=""),
            dcc.Store(id="field-changed", data=0),
            dcc.Interval(id="field-interval", interval=refresh_ms),
        ],
        className="field",
    )


def snapshot_block(incident: Incident, lang: str) -> Any:
    url = snapshot_url("", incident.snapshot)
    if url is None:
        return html.Div(t("field.no_snapshot", lang), className="field-no-snapshot")
    return html.Img(
        src=url, alt=t("field.snapshot_alt", lang, id=incident.id), className="field-snapshot"
    )


def place_block(incident: Incident, lang: str) -> Any:
    if incident.lon is None or incident.lat is None:
        return None
    return html.Div(
        [
            html.Span(t("field.place", lang, lat=f"{incident.lat:.5f}", lon=f"{incident.lon:.5f}")),
            html.A(
                t("field.directions", lang),
                href=geo_uri(incident.lon, incident.lat),
                className="field-link",
            ),
            html.A(
                t("field.map", lang),
                href=map_url(incident.lon, incident.lat),
                target="_blank",
                rel="noopener",
                className="field-link",
            ),
        ],
        className="field-place",
    )


def action_buttons(incident: Incident, lang: str, principal: Principal) -> list[Any]:
    """The actions the status allows, only when this person may act on the incident."""
    if not may_act_on_incident(principal, incident):
        return []
    return [
        html.Button(
            t(f"incident.action.{action}", lang),
            id={"type": "field-action", "incident": incident.id, "action": action},
            className=f"field-button field-button-{action}",
            n_clicks=0,
        )
        for action in allowed_actions(incident.status)
        if action != "reopen"
    ]


def assignee_label(assignee: str, lang: str) -> str:
    """An assignee as a person reads it: the officer's name, or "Đội <name>" for a team."""
    if assignee.startswith(TEAM_PREFIX):
        return t("desk.team", lang, name=assignee.removeprefix(TEAM_PREFIX))
    return assignee


def card(incident: Incident, lang: str, principal: Principal) -> html.Article:
    """One incident as a card."""
    parts: list[Any] = [
        html.Div(
            [
                html.Span(
                    t(f"incident.severity.{incident.severity}", lang),
                    className=f"field-severity field-severity-{incident.severity}",
                ),
                html.Span(t(f"incident.status.{incident.status}", lang), className="field-state"),
                simulated_badge(lang) if incident.simulated else None,
            ],
            className="field-badges",
        ),
        html.H3(incident.title, className="field-title"),
        snapshot_block(incident, lang),
        html.P(
            t("field.opened", lang, time=format_local(incident.opened_at, "%H:%M %d/%m")),
            className="field-meta",
        ),
        html.P(t("field.members", lang, count=incident.member_count), className="field-meta"),
        place_block(incident, lang),
    ]
    if incident.assignee:
        parts.append(
            html.P(
                t("field.assignee", lang, name=assignee_label(incident.assignee, lang)),
                className="field-meta",
            )
        )
    parts += [
        html.Label(
            [
                html.Span(t("field.note", lang), className="field-label"),
                dcc.Textarea(
                    id={"type": "field-note", "incident": incident.id}, className="field-note"
                ),
            ]
        ),
        dcc.Upload(
            html.Span(t("field.photo", lang)),
            id={"type": "field-photo", "incident": incident.id},
            accept="image/jpeg,image/png",
            className="field-photo",
        ),
        html.Div(action_buttons(incident, lang, principal), className="field-buttons"),
    ]
    return html.Article(parts, id=f"field-card-{incident.id}", className="field-card")


OUTPUTS = {
    "list": Output("field-list", "children"),
    "version": Output("field-version", "data"),
    "unit_label": Output("field-unit-label", "children"),
}


@callback(
    output=OUTPUTS,
    inputs=[Input("field-interval", "n_intervals"), Input("field-changed", "data")],
    state=[
        State("field-unit", "data"),
        State("field-version", "data"),
        State(LANG_STORE_ID, "data"),
    ],
)
def refresh(
    _n: int | None, _changed: int | None, unit: str | None, version: str | None, lang: str | None
) -> dict[str, Any]:
    """Rebuild the list when an open incident changed (or the language did), and name the
    unit in the heading (the skeleton, which reads nothing, could only give its code)."""
    language = language_or_default(lang)
    principal = viewer()
    if principal is None:
        return {"list": denied(language), "version": "", "unit_label": ""}
    try:
        with current_store().session() as session:
            chosen = chosen_unit(principal, unit)
            incidents = open_incidents(
                session,
                chosen,
                current_settings().province_code,
                where=incidents_seen(principal),
            )
            incidents = sorted(incidents, key=lambda i: not principal.assigned(i.assignee))
            new_version = f"{language}#{principal.name}#" + version_of(incidents)
            if new_version == version:
                return only(OUTPUTS)
            label = named_scope_text(session, principal, chosen, language)
            if not incidents:
                empty = html.P(t("field.empty", language), className="field-empty")
                return {"list": empty, "version": new_version, "unit_label": label}
            cards = [card(incident, language, principal) for incident in incidents]
            return {"list": cards, "version": new_version, "unit_label": label}
    except SQLAlchemyError as exc:  # no version: the next tick that reads rebuilds the list
        return only(OUTPUTS, list=failed(exc, language), version="")


def named_scope_text(session: Any, principal: Principal, unit: str | None, lang: str) -> str:
    """:func:`scope_text` with the unit's name instead of its code, where it is known."""
    code = unit if principal.province_wide else principal.unit_code
    found = find_unit(session, code) if code else None
    return scope_text(principal, unit, lang, found.name if found else None)


def _state_for(incident_id: int, index: int) -> Any:
    for item in ctx.states_list[index]:
        if item["id"].get("incident") == incident_id:
            return item.get("value")
    return None


ACT_OUTPUTS = {
    "changed": Output("field-changed", "data"),
    "status": Output("field-status", "children"),
}


@callback(
    output=ACT_OUTPUTS,
    inputs=[Input({"type": "field-action", "incident": ALL, "action": ALL}, "n_clicks")],
    state=[
        State({"type": "field-note", "incident": ALL}, "value"),
        State({"type": "field-photo", "incident": ALL}, "contents"),
        State("field-changed", "data"),
        State(LANG_STORE_ID, "data"),
    ],
    prevent_initial_call=True,
)
def act(
    _clicks: list[int | None],
    _notes: list[str | None],
    _photos: list[str | None],
    changed: int | None,
    lang: str | None,
) -> dict[str, Any]:
    """A button was pressed: apply the action through the shared entry point."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, Mapping) or not any(c.get("value") for c in ctx.triggered):
        return only(ACT_OUTPUTS)
    language = language_or_default(lang)
    incident_id, action = row_id_or_none(trigger.get("incident")), trigger.get("action")
    if incident_id is None or not isinstance(action, str):
        return only(ACT_OUTPUTS, status=denied(language))
    note, contents = _state_for(incident_id, 0), _state_for(incident_id, 1)
    try:
        message = perform(incident_id, action, language, str(note or ""), contents)
    except SQLAlchemyError as exc:  # nothing was saved: say so, the button can be pressed again
        return only(ACT_OUTPUTS, status=t("field.error", language, reason=reason(exc, language)))
    return {"changed": (changed or 0) + 1, "status": message}


def perform(incident_id: int, action: str, lang: str, note: str = "", contents: Any = None) -> str:
    """As the signed-in person, who is also the assignee of a dispatch (see
    :mod:`ioc.pages.incident_acts`)."""
    return incident_acts.perform(incident_id, incident_acts.Wish(action, note, contents), lang)
