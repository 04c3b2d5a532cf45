"""Field officers' acks over MQTT: applied through the incident lifecycle once per message as
the account of the broker-authenticated MQTT user in the topic, recorded in the audit trail,
refused ones dead-lettered. Both backends."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from ioc.auth.user_roles import Role
from ioc.ingest.messages import IncidentAck, Rejected
from ioc.ingest.parsers import ParseRules, parse_message
from ioc.ingest.writer import BatchWriter
from ioc.mqtt.inbound import InboundMessage
from ioc.store import Store
from ioc.store.models import DeadLetter, Incident
from ioc.store.models_audit import AuditEntry
from ioc.store.models_incidents import IncidentEvent
from testkit.auth_support import add_account
from tests.incidents_support import add_incident

NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
OFFICER = "hientruong.xuanhuong"
FORGED = "Giám đốc Sở (giả mạo)"


def open_incident(store: Store) -> int:
    return add_incident(store, NOW - timedelta(minutes=3), title="Khói: Đồi Robin")  # 24778


def ack(
    incident_id: int, msg_id: str, user: str = OFFICER, action: str = "acknowledge"
) -> InboundMessage:
    body = {
        "v": 1,
        "msg_id": msg_id,
        "ts": NOW.isoformat(),
        "incident": incident_id,
        "action": action,
        "actor": FORGED,
        "note": "Đang đến hiện trường",
    }
    return InboundMessage(f"ioc/v1/field/{user}/ack", json.dumps(body).encode(), NOW)


def parsed(message: InboundMessage) -> IncidentAck:
    out = parse_message(message, ParseRules())
    assert isinstance(out, IncidentAck), out
    return out


def test_ack_is_applied_once_as_the_mqtt_users_account(store: Store) -> None:
    """The payload's actor was written into the history and the audit log (issue #17)."""
    add_account(store, Role.FIELD, "24778", username=OFFICER)
    incident_id = open_incident(store)
    writer = BatchWriter(store)
    message = ack(incident_id, "a-1")
    first = writer.write([(message, parsed(message))], [], NOW)
    again = writer.write([(message, parsed(message))], [], NOW)
    assert (first.stored, again.stored, again.duplicates) == (1, 0, 1)
    with store.session() as session:
        incident = session.get(Incident, incident_id)
        assert incident is not None and incident.status == "acknowledged"
        events = session.scalars(
            select(IncidentEvent).where(IncidentEvent.client == f"mqtt:{OFFICER}:a-1")
        ).all()
        assert [(e.actor, e.to_status, e.detail) for e in events] == [
            (OFFICER, "acknowledged", {"label": FORGED})
        ]
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "incident.acknowledge")
        ).one()
        assert audit.actor == OFFICER


@pytest.mark.parametrize(
    ("user", "why"), [("ghost.user", "unknown_account"), ("hientruong.baoloc", "forbidden")]
)
def test_ack_without_an_account_or_out_of_scope_is_refused(
    store: Store, user: str, why: str
) -> None:
    add_account(store, Role.FIELD, "24781", username="hientruong.baoloc")  # another ward
    incident_id = open_incident(store)
    message = ack(incident_id, "a-2", user=user)
    result = BatchWriter(store).write([(message, parsed(message))], [], NOW)
    assert result.rejected == {"ack_refused": 1}
    with store.session() as session:
        letter = session.scalars(select(DeadLetter)).one()
        assert why in letter.reason
        assert session.get(Incident, incident_id).status == "new"  # type: ignore[union-attr]


def test_refused_ack_is_dead_lettered(store: Store) -> None:
    add_account(store, Role.ADMIN, username=OFFICER)
    message = ack(999_999, "a-2")
    result = BatchWriter(store).write([(message, parsed(message))], [], NOW)
    assert result.rejected == {"ack_refused": 1}
    with store.session() as session:
        letter = session.scalars(select(DeadLetter)).one()
        assert "unknown_incident" in letter.reason


def test_the_payload_only_form_is_refused_as_unauthenticated() -> None:
    body = {
        "v": 1,
        "msg_id": "a-3",
        "ts": NOW.isoformat(),
        "action": "acknowledge",
        "actor": FORGED,
    }
    old = InboundMessage("ioc/v1/incident/2/ack", json.dumps(body).encode(), NOW)
    out = parse_message(old, ParseRules())
    assert isinstance(out, Rejected) and out.reason == "unauthenticated"
    assert "ioc/v1/field/<MQTT user name>/ack" in out.detail
