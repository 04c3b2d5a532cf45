"""Dossier events through the ingest writer on both backends: newest state wins, repeats
and older events are ignored, unknown units are dead-lettered."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import shapely
from sqlalchemy import select

from ioc.ingest.messages import DossierEvent, Rejected
from ioc.ingest.parsers import ParseRules, parse_message
from ioc.ingest.writer import BatchWriter
from ioc.mqtt.inbound import InboundMessage
from ioc.store import Store
from ioc.store.models import Dossier
from ioc.store.units import UnitRecord, insert_units
from testkit.helpers import point

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
TOPIC = "ioc/v1/dossier/motcua-lamdong/event"


def event(msg_id: str, ts: datetime, finished: bool, unit: str = "24778") -> InboundMessage:
    body = {
        "v": 1,
        "msg_id": msg_id,
        "ts": ts.isoformat(),
        "dossier_id": "H39-0001",
        "procedure_code": "1.004227",
        "procedure_level": 4,
        "unit_code": unit,
        "channel": "online",
        "received_at": "2026-11-20T01:05:00Z",
        "due_at": "2026-12-04T10:00:00Z",
        "finished_at": ts.isoformat() if finished else None,
        "digitised": True,
    }
    return InboundMessage(TOPIC, json.dumps(body).encode(), NOW)


def parsed(message: InboundMessage) -> DossierEvent:
    out = parse_message(message, ParseRules())
    assert isinstance(out, DossierEvent), out
    return out


def add_ward(store: Store) -> None:
    ward = point(108.44, 11.94).buffer(0.05)
    with store.session() as session:
        insert_units(
            session,
            [
                UnitRecord(
                    "24778",
                    "Phường Xuân Hương - Đà Lạt",
                    "commune",
                    shapely.MultiPolygon([ward]),
                    datetime(2025, 7, 1).date(),
                )
            ],
        )


def test_newest_dossier_state_wins(store: Store) -> None:
    add_ward(store)
    writer = BatchWriter(store)
    received = event("e1", NOW - timedelta(days=5), finished=False)
    finished = event("e2", NOW - timedelta(hours=1), finished=True)
    first = writer.write([(received, parsed(received))], [], NOW)
    second = writer.write([(finished, parsed(finished))], [], NOW)
    late_old = writer.write([(received, parsed(received))], [], NOW)  # redelivered, older
    assert (first.stored, second.stored, late_old.stored) == (1, 1, 0)
    assert late_old.duplicates == 1
    with store.session() as session:
        row = session.scalars(select(Dossier)).one()
        assert row.finished_at == NOW - timedelta(hours=1)
        assert row.channel == "online" and row.digitised


def test_unknown_unit_is_dead_lettered(store: Store) -> None:
    add_ward(store)
    message = event("e3", NOW, finished=False, unit="99999")
    result = BatchWriter(store).write([(message, parsed(message))], [], NOW)
    assert result.rejected == {"unknown_unit": 1}


def test_finished_before_received_is_rejected_by_the_parser() -> None:
    body = json.loads(event("e4", NOW, finished=True).payload)
    body["finished_at"] = "2026-11-01T00:00:00Z"
    out = parse_message(InboundMessage(TOPIC, json.dumps(body).encode(), NOW), ParseRules())
    assert isinstance(out, Rejected)
    assert "finished_at is before received_at" in out.detail
