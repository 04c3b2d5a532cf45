"""The incident desk's case part: open a violation case from the incident on the desk, or
follow the link to the case it already led to.

The desk (:mod:`ioc.pages.incident_desk`) keeps the incident it shows in
``<prefix>-desk-incident``; when that changes, this part offers "Mở vụ việc" with the
case's kind to a principal that may handle the incident's unit (operators and admins, as
on ``/vu-viec``), or shows "Dẫn tới vụ việc #N". Opening goes through
:func:`ioc.violations.actions.open_case_as`, which checks the principal, the incident's
unit and the one-case-per-origin rule again; the sentence lands in the desk's status (a
state-changing output the web gate refuses to leaders, viewers and kiosks).
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, callback, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from ioc.app_context import LANG_STORE_ID, current_store, web_client
from ioc.auth.guard import row_id_or_none
from ioc.i18n import language_or_default, t
from ioc.pages.access import viewer
from ioc.pages.case_views import case_link, kind_options
from ioc.pages.states import reason
from ioc.store.models import Incident
from ioc.timeutil import utcnow
from ioc.violations.actions import may_handle, open_case_as
from ioc.violations.cases import existing_case

HIDDEN = {"form_hidden": True, "link": None, "kind": None}


def section(prefix: str, lang: str) -> html.Div:
    """The case part of the desk of the page of ``prefix`` (filled when the desk opens)."""
    return html.Div(
        [
            html.Div(
                [
                    html.Div(
                        dcc.Dropdown(
                            id=f"{prefix}-desk-case-kind",
                            options=kind_options(lang),
                            placeholder=t("case.kind_pick", lang),
                        ),
                        title=t("changes.kind", lang),
                        className="ioc-desk-case-kind",
                    ),
                    html.Button(
                        t("cases.open.confirm", lang),
                        id=f"{prefix}-desk-case-open",
                        className="ioc-desk-button ioc-desk-case-open",
                        n_clicks=0,
                    ),
                ],
                id=f"{prefix}-desk-case-form",
                className="ioc-desk-case-row",
                hidden=True,
            ),
            html.Div(id=f"{prefix}-desk-case-link"),
        ],
        className="ioc-desk-case",
    )


def case_state(incident_id: object, lang: str) -> dict[str, Any]:
    """What the case part shows for the desk's incident: the link to its case, else the
    form for a principal that may handle the incident's unit, else nothing."""
    principal = viewer()
    wanted = row_id_or_none(incident_id)
    if principal is None or wanted is None:
        return dict(HIDDEN)
    with current_store().session() as session:
        incident = session.get(Incident, wanted)
        if incident is None or not principal.sees_unit(incident.unit_code):
            return dict(HIDDEN)
        case_id = existing_case(session, "incident", wanted)
        handler = may_handle(principal, incident.unit_code)
    if case_id is not None:
        return {**HIDDEN, "link": case_link(case_id, lang)}
    return {**HIDDEN, "form_hidden": not handler}


def open_from_incident(incident_id: object, kind: object, lang: str) -> dict[str, Any]:
    """Open a case from the desk's incident as the signed-in principal (checked again);
    the sentence for the desk's status, and the case part after it."""
    wanted = row_id_or_none(incident_id)
    if wanted is None:
        return {"status": t("cases.open.failed", lang, reason=t("case.error.unknown", lang))}
    case_id, error = open_case_as(
        current_store(),
        viewer(),
        "incident",
        wanted,
        kind if isinstance(kind, str) else "",
        now=utcnow(),
        client=web_client(),
    )
    if error is not None or case_id is None:
        why = t(f"case.error.{error or 'unknown'}", lang)
        return {"status": t("cases.open.failed", lang, reason=why)}
    return {
        "status": t("desk.case.done", lang, id=wanted, case=case_id),
        "form_hidden": True,
        "link": case_link(case_id, lang),
    }


def register_callbacks(prefix: str) -> None:
    """The case part's two callbacks for the desk of the page of ``prefix``."""
    shown = {
        "form_hidden": Output(f"{prefix}-desk-case-form", "hidden"),
        "link": Output(f"{prefix}-desk-case-link", "children"),
        "kind": Output(f"{prefix}-desk-case-kind", "value"),
    }

    @callback(
        output=shown,
        inputs=[Input(f"{prefix}-desk-incident", "data")],
        state=[State(LANG_STORE_ID, "data")],
        prevent_initial_call=True,
    )
    def fill(incident_id: object, lang: str | None) -> dict[str, Any]:
        try:
            return case_state(incident_id, language_or_default(lang))
        except SQLAlchemyError:  # the desk's own callback says that the store is away
            return dict(HIDDEN)

    pressed = {
        "status": Output(f"{prefix}-desk-status", "children", allow_duplicate=True),
        "form_hidden": Output(f"{prefix}-desk-case-form", "hidden", allow_duplicate=True),
        "link": Output(f"{prefix}-desk-case-link", "children", allow_duplicate=True),
    }

    @callback(
        output=pressed,
        inputs=[Input(f"{prefix}-desk-case-open", "n_clicks")],
        state=[
            State(f"{prefix}-desk-incident", "data"),
            State(f"{prefix}-desk-case-kind", "value"),
            State(LANG_STORE_ID, "data"),
        ],
        prevent_initial_call=True,
    )
    def press(clicks: int | None, incident_id: object, kind: object, lang: str | None) -> Any:
        skip = dash.no_update
        if not clicks:
            return {"status": skip, "form_hidden": skip, "link": skip}
        language = language_or_default(lang)
        try:
            done = open_from_incident(incident_id, kind, language)
        except SQLAlchemyError as exc:
            done = {"status": t("field.error", language, reason=reason(exc, language))}
        return {"form_hidden": skip, "link": skip, **done}
