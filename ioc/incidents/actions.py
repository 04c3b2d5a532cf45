"""Actions of people on incidents, from the field page or the ack topic (one entry point).

``apply_action(session, incident_id, action, actor, note, client, at)`` checks the
lifecycle, changes the incident, stops or restarts its escalation clock and appends the
audit event, all in the caller's transaction. It never raises on bad input: the
:class:`Result` says what happened (``ok``, ``error`` code, the statuses before and after).

Actions: ``acknowledge``, ``dispatch`` (needs an ``assignee``), ``resolve``,
``false_alarm``, ``reopen``, ``note``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ioc.incidents.audit import record
from ioc.incidents.lifecycle import CLOSED_STATUSES, transition
from ioc.store.models import Incident

MAX_NOTE = 2000


@dataclass(frozen=True)
class Result:
    """What an action did: ``ok``, or an ``error`` code (unknown_incident, not_allowed...)."""

    ok: bool
    incident_id: int
    action: str
    from_status: str | None = None
    to_status: str | None = None
    error: str | None = None
    event_id: int | None = None


def apply_action(  # noqa: PLR0917 (the shared signature of page and ack stream)
    session: Session,
    incident_id: int,
    action: str,
    actor: str,
    note: str,
    client: str,
    at: datetime,
    *,
    assignee: str | None = None,
    photo: str | None = None,
    may: Callable[[Incident], bool] | None = None,
    label: str = "",
) -> Result:
    """Apply one person's action to an incident and record it in the audit trail.

    ``may`` is asked about the locked incident before anything changes (the web pages pass
    the signed-in principal's check); when it says no, the result's error is ``forbidden``.
    ``label`` is a display name the client showed (an MQTT app's), kept in the event's
    detail; ``actor`` alone says who acted.
    """
    incident = session.get(Incident, incident_id, with_for_update=True)
    if incident is None:
        return Result(False, incident_id, action, error="unknown_incident")
    if may is not None and not may(incident):
        return Result(False, incident_id, action, incident.status, error="forbidden")
    if not actor.strip():
        return Result(False, incident_id, action, incident.status, error="no_actor")
    step = transition(incident.status, action)
    if step.error is not None or step.to_status is None:
        return Result(False, incident_id, action, incident.status, error=step.error)
    if action == "dispatch" and not (assignee or incident.assignee):
        return Result(False, incident_id, action, incident.status, error="no_assignee")
    before = incident.status
    _apply(incident, action, step.to_status, at, assignee)
    event = record(
        session,
        incident,
        action,
        at,
        actor=actor,
        client=client,
        from_status=before,
        note=note.strip()[:MAX_NOTE],
        photo=photo,
        detail=_detail(action, incident, label),
    )
    session.flush()
    return Result(True, incident_id, action, before, incident.status, event_id=event.id)


def _detail(action: str, incident: Incident, label: str) -> dict[str, str | None] | None:
    detail: dict[str, str | None] = {"assignee": incident.assignee} if action == "dispatch" else {}
    if label.strip():
        detail["label"] = label.strip()[:120]
    return detail or None


def _apply(
    incident: Incident, action: str, to_status: str, at: datetime, assignee: str | None
) -> None:
    incident.status = to_status
    incident.updated_at = at
    if action == "dispatch" and assignee:
        incident.assignee = assignee[:120]
    if to_status != "new":
        incident.next_alert_at = None  # someone has it: the escalation clock stops
        if incident.acknowledged_at is None:
            incident.acknowledged_at = at
    if to_status in CLOSED_STATUSES:
        incident.closed_at = at
    elif action == "reopen":
        incident.closed_at = None
