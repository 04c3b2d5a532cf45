"""Field officers' acks over MQTT: applied through the incident lifecycle once per message,
recorded in the audit trail, refused ones dead-lettered. Both backends."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from ioc.ingest.messages import IncidentAck, Rejected
from ioc.ingest.parsers import ParseRules, parse_message
from ioc.ingest.writer import BatchWriter
from ioc.mqtt.inbound import InboundMessage
from ioc.store import Store
from ioc.store.models import DeadLetter, Incident
from ioc.store.models_incidents import IncidentEvent
from tests.incidents_support import add_incident

NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)


def open_incident(store: Store) -> int:
    return add_incident(store, NOW - timedelta(minutes=3), title="Khói: Đồi Robin")


def ack(incident_id: int | str, msg_id: str, action: str = "acknowledge") -> InboundMessage:
    body = {
        "v": 1,
        "msg_id": msg_id,
        "ts": NOW.isoformat(),
        "action": action,
        "actor": "Nguyễn Văn An",
        "note": "Đang đến hiện trường",
    }
    topic = f"ioc/v1/incident/{incident_id}/ack"
    return InboundMessage(topic, json.dumps(body).encode(), NOW)


def parsed(message: InboundMessage) -> IncidentAck:
    out = parse_message(message, ParseRules())
    assert isinstance(out, IncidentAck), out
    return out


def test_ack_is_applied_once_and_audited(store: Store) -> None:
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
            select(IncidentEvent).where(IncidentEvent.client == "mqtt:a-1")
        ).all()
        assert [(e.actor, e.to_status) for e in events] == [("Nguyễn Văn An", "acknowledged")]


def test_refused_ack_is_dead_lettered(store: Store) -> None:
    message = ack(999_999, "a-2")
    result = BatchWriter(store).write([(message, parsed(message))], [], NOW)
    assert result.rejected == {"ack_refused": 1}
    with store.session() as session:
        letter = session.scalars(select(DeadLetter)).one()
        assert "unknown_incident" in letter.reason


def test_incident_id_must_be_a_number() -> None:
    out = parse_message(ack("abc", "a-3"), ParseRules())
    assert isinstance(out, Rejected) and out.reason == "bad_topic"
