"""Field officers' acks into the incident lifecycle, each applied once per message id.

The ack goes through the same ``apply_action`` as the field page, so the audit trail
records it like any other change; the client column names the MQTT message, which is how
a redelivered ack is recognised and skipped.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.incidents.actions import apply_action
from ioc.ingest.messages import IncidentAck, Rejected
from ioc.store.models_incidents import IncidentEvent


def client_of(ack: IncidentAck) -> str:
    return f"mqtt:{ack.msg_id}"


def apply_acks(session: Session, acks: Sequence[IncidentAck]) -> tuple[int, list[Rejected | None]]:
    """Apply acks in order; returns (repeats, one refusal or None per ack)."""
    clients = [client_of(a) for a in acks]
    seen = set(
        session.scalars(select(IncidentEvent.client).where(IncidentEvent.client.in_(clients)))
    )
    repeats, outcomes = 0, list[Rejected | None]()
    for ack, client in zip(acks, clients, strict=True):
        if client in seen:
            repeats += 1
            outcomes.append(None)
            continue
        result = apply_action(
            session,
            ack.incident_id,
            ack.action,
            ack.actor,
            ack.note,
            client,
            ack.at,
            assignee=ack.assignee,
            photo=ack.photo,
        )
        seen.add(client)
        outcomes.append(None if result.ok else Rejected("ack_refused", result.error or "refused"))
    return repeats, outcomes
