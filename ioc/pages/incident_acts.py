"""One person's action on an incident from any page: checked, applied, announced.

The field page and the incident desk of ``/``, ``/unit/<code>`` and ``/ioc/<code>`` come
here. The principal of the request is checked against the incident (out of sight: "no such
incident"; in sight but not theirs to change: "forbidden"), then again on the locked row
inside :func:`ioc.incidents.actions.apply_action`. A dispatch names an assignee among the
field officers and teams whose scope holds the incident (:mod:`ioc.auth.teams`; anything
else is refused), and queues a ``dispatch`` notice to the unit's subscriptions (MQTT,
webhook, e-mail) in the same transaction; the incidents worker sends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from ioc.app_context import current_settings, current_store, web_client
from ioc.auth.guard import may_act_on_incident, row_id_or_none, sees_incident
from ioc.auth.principal import Principal
from ioc.auth.teams import is_assignee
from ioc.i18n import t
from ioc.incidents.actions import apply_action
from ioc.incidents.alerts import Outbox, queue_outbox
from ioc.incidents.photos import save_photo
from ioc.pages.access import viewer
from ioc.store.models import Incident
from ioc.timeutil import utcnow

NEEDS_REASON = frozenset({"false_alarm"})


@dataclass(frozen=True)
class Wish:
    """What the client asked for: the action, its note, a photo, and whom to dispatch to
    (``None``: the person acting, as on the field page)."""

    action: str
    note: str = ""
    contents: Any = None
    assignee: str | None = None
    reason_required: bool = False


def perform(incident_id: int, wish: Wish, lang: str) -> str:
    """As the signed-in person: check, save the photo (if any), apply, say what happened."""
    principal = viewer()
    if row_id_or_none(incident_id) is None:
        return error_text("unknown_incident", lang)
    if wish.reason_required and wish.action in NEEDS_REASON and not wish.note.strip():
        return error_text("no_reason", lang)
    with current_store().session() as session:
        incident = session.get(Incident, incident_id)
        error = refusal(principal, incident)
        if error is None and wish.action == "dispatch" and wish.assignee is not None:
            unit = incident.unit_code if incident is not None else None
            error = None if is_assignee(session, unit, wish.assignee) else "bad_assignee"
        if error is not None or principal is None:
            return error_text(error or "forbidden", lang)
        return _apply(session, principal, incident_id, wish, lang)


def _apply(session: Session, principal: Principal, incident_id: int, wish: Wish, lang: str) -> str:
    settings = current_settings()
    now = utcnow()
    photo = None
    if wish.contents:
        photo = save_photo(settings.var_dir, incident_id, str(wish.contents), now)
        if photo is None:
            return error_text("bad_photo", lang)
    result = apply_action(
        session,
        incident_id,
        wish.action,
        principal.name,
        wish.note,
        web_client(),
        now,
        assignee=wish.assignee or principal.name,
        photo=photo,
        may=lambda locked: may_act_on_incident(principal, locked),
    )
    if not result.ok:
        if photo is not None:
            (settings.var_dir / photo).unlink(missing_ok=True)
        return error_text(result.error or "forbidden", lang)
    if wish.action == "dispatch":
        outbox = Outbox()
        outbox.add(incident_id, 0, "dispatch")
        queue_outbox(session, outbox, settings.public_base_url, settings.auth.file_links())
    return t("field.done", lang, action=t(f"incident.action.{wish.action}", lang), id=incident_id)


def error_text(code: str, lang: str) -> str:
    return t("field.error", lang, reason=t(f"incident.error.{code}", lang))


def refusal(principal: Principal | None, incident: Incident | None) -> str | None:
    """Why this person may not act on the incident (an error code), or None."""
    if incident is None or not sees_incident(principal, incident):
        return "unknown_incident"  # out of sight: not even admitted to exist
    if not may_act_on_incident(principal, incident):
        return "forbidden"
    return None
