"""Field officers' acks into the incident lifecycle, each applied once per message id.

Who acts is the MQTT identity the broker authenticated: the user name in the topic
(``<prefix>/field/<user>/ack``, which the broker's ACL lets only that user publish on),
mapped to the IOC account of the same name. The account must be active and may act on the
incident exactly as on the field page (its role and unit scope); the payload's ``actor`` is
a display label only. The ack goes through the same ``apply_action`` as the field page, so
the audit trail records it like any other change; the client column names the MQTT user and
message, which is how a redelivered ack is recognised and skipped.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.auth.accounts import find_user
from ioc.auth.guard import may_act_on_incident
from ioc.auth.principal import Principal
from ioc.auth.sessions import user_principal
from ioc.incidents.actions import apply_action
from ioc.ingest.messages import IncidentAck, Rejected
from ioc.store.models import Incident
from ioc.store.models_incidents import IncidentEvent


def client_of(ack: IncidentAck) -> str:
    return f"mqtt:{ack.identity}:{ack.msg_id}"


def account_of(session: Session, identity: str) -> Principal | None:
    """The active IOC account an MQTT user name maps to (the same name), or None."""
    user = find_user(session, identity)
    if user is None or not user.active:
        return None
    return user_principal(session, user)


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
        outcomes.append(apply_one(session, ack, client))
        seen.add(client)
    return repeats, outcomes


def apply_one(session: Session, ack: IncidentAck, client: str) -> Rejected | None:
    """Apply one ack as its MQTT user's account; why not, or None when applied."""
    principal = account_of(session, ack.identity)
    if principal is None:
        return Rejected("ack_refused", f"unknown_account: no active account {ack.identity!r}")

    def may(incident: Incident) -> bool:
        return may_act_on_incident(principal, incident)

    result = apply_action(
        session,
        ack.incident_id,
        ack.action,
        principal.name,
        ack.note,
        client,
        ack.at,
        assignee=ack.assignee,
        photo=ack.photo,
        may=may,
        label=ack.label,
    )
    return None if result.ok else Rejected("ack_refused", result.error or "refused")
