"""The versioned MQTT topic scheme: ``<prefix>/<stream>/<source id>/<message type>``.

With the default prefix ``ioc/v1``: ``ioc/v1/camera/LD-DL-01/heartbeat`` and
``ioc/v1/camera/LD-DL-01/detection``. The source id is the last authority on who sent a
message: payloads never name their own camera, so an ACL on the topic is enough.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SOURCE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")

# (stream, message type) pairs this version of the IOC understands.
KNOWN = {
    ("camera", "heartbeat"),
    ("camera", "detection"),
    ("sensor", "reading"),
    ("dossier", "event"),
    ("report", "new"),
    ("incident", "ack"),
}


@dataclass(frozen=True)
class Topic:
    stream: str
    source_id: str
    message_type: str


def subscriptions(prefix: str) -> list[str]:
    """Topic filters the ingest worker subscribes to."""
    return [f"{prefix}/{stream}/+/{kind}" for stream, kind in sorted(KNOWN)]


def topic_for(prefix: str, stream: str, source_id: str, message_type: str) -> str:
    """The topic a device publishes a message on."""
    return f"{prefix}/{stream}/{source_id}/{message_type}"


def split_topic(prefix: str, topic: str) -> Topic | str:
    """The parts of a topic under ``prefix``, or the reason it is not a valid one."""
    if not topic.startswith(prefix + "/"):
        return f"topic is outside {prefix}/"
    parts = topic[len(prefix) + 1 :].split("/")
    if len(parts) != 3:
        return "topic must be <stream>/<source id>/<message type>"
    stream, source_id, message_type = parts
    if (stream, message_type) not in KNOWN:
        return f"unknown stream/message type {stream}/{message_type}"
    if not SOURCE_ID.match(source_id):
        return "source id must be 1-64 letters, digits, '_', '-' or '.'"
    return Topic(stream, source_id, message_type)
