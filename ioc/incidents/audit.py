"""The append-only audit trail of incidents: every change as one ``incident_events`` row.

Each change is also appended to the province-wide, hash-chained audit log
(:mod:`ioc.audit.log`) in the same transaction, so ``ioc audit verify`` covers incidents.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.audit import log as audit_log
from ioc.store.models import Incident
from ioc.store.models_incidents import IncidentEvent

SYSTEM = "system"


def record(
    session: Session,
    incident: Incident,
    action: str,
    at: datetime,
    *,
    actor: str = SYSTEM,
    client: str = "incidents-worker",
    from_status: str | None = None,
    note: str = "",
    photo: str | None = None,
    detail: dict[str, Any] | None = None,
) -> IncidentEvent:
    """Append one event; ``to_status`` is the incident's status now."""
    event = IncidentEvent(
        incident_id=incident.id,
        at=at,
        actor=actor[:120],
        action=action,
        from_status=from_status,
        to_status=incident.status,
        note=note,
        photo=photo,
        client=client[:200],
        detail=detail,
    )
    session.add(event)
    audit_log.append(
        session,
        f"incident.{action}",
        actor=actor,
        target=f"incident:{incident.id}",
        unit_code=incident.unit_code,
        client=client,
        detail={"from": from_status, "to": incident.status, "note": note[:500]} | (detail or {}),
        at=at,
    )
    return event


def history(session: Session, incident_id: int) -> Sequence[IncidentEvent]:
    """Every event of an incident, oldest first."""
    return session.scalars(
        select(IncidentEvent)
        .where(IncidentEvent.incident_id == incident_id)
        .order_by(IncidentEvent.at, IncidentEvent.id)
    ).all()
