"""Simulated dossier events are accepted by the ingest parser and come in time order."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime

from ioc.ingest.messages import DossierEvent
from ioc.ingest.parsers import ParseRules, parse_message
from ioc.mqtt.inbound import InboundMessage
from ioc.sim.dossiers import SYSTEM, DossierFeed, dossier_payload

TODAY = date(2026, 11, 25)


def parse(feed: DossierFeed) -> DossierEvent:
    dossier = feed.next()
    assert dossier is not None
    body = json.dumps(dossier_payload(dossier)).encode()
    topic = f"ioc/v1/dossier/{SYSTEM}/event"
    out = parse_message(InboundMessage(topic, body, datetime.now(UTC)), ParseRules())
    assert isinstance(out, DossierEvent), out
    return out


def test_a_batch_parses_in_time_order_and_nothing_is_from_the_future() -> None:
    feed = DossierFeed([str(24778 + 3 * i) for i in range(30)], random.Random(5), TODAY)
    first = parse(feed)
    rest = [parse(feed) for _ in range(len(feed.pending))]
    moments = [first.dossier.event_at] + [event.dossier.event_at for event in rest]
    assert len(moments) > 10
    assert moments == sorted(moments)
    assert max(moments) < datetime(2026, 11, 25, tzinfo=UTC)


def test_no_units_no_events() -> None:
    assert DossierFeed([], random.Random(1), TODAY).next() is None
