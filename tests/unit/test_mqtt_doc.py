"""Every example in docs/mqtt.md parses into a record on the topic it is shown with."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from ioc.ingest.messages import Rejected
from ioc.ingest.parsers import ParseRules, parse_message
from ioc.mqtt.inbound import InboundMessage
from ioc.mqtt.topics import KNOWN

DOC = Path(__file__).resolve().parents[2] / "docs" / "mqtt.md"
EXAMPLE = re.compile(r"Topic `([^`]+)`[^`]*```json\n(.+?)\n```", re.S)


def examples() -> list[tuple[str, str]]:
    return EXAMPLE.findall(DOC.read_text(encoding="utf-8"))


def test_doc_has_an_example_per_message_type() -> None:
    kinds = sorted(tuple(topic.split("/")[2::2]) for topic, _ in examples())
    assert kinds == sorted(KNOWN)


def test_doc_examples_are_accepted() -> None:
    received = datetime(2026, 11, 25, 7, 35, tzinfo=UTC)
    for topic, body in examples():
        out = parse_message(InboundMessage(topic, body.encode(), received), ParseRules())
        assert not isinstance(out, Rejected), (topic, out)
