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
    ("report", "rating"),
    ("field", "ack"),  # source id: the broker-authenticated MQTT user name of the officer
}
# Retired (stream, message type) pairs, with why a message on them is refused.
RETIRED = {
    ("incident", "ack"): "an action names who acts only in its payload, which anyone can "
    "write: acks are taken only on {prefix}/field/<MQTT user name>/ack, where the broker "
    "vouches for the sender",
}


@dataclass(frozen=True)
class Topic:
    stream: str
    source_id: str
    message_type: str


# The IOC's own output under the prefix: alerts to field apps, ``<prefix>/<unit>/alert/<id>``.
ALERT = "alert"


def subscriptions(prefix: str) -> list[str]:
    """Topic filters the ingest worker subscribes to: the whole prefix, so a message on a
    stream or type this version does not know is dead-lettered (``bad_topic``), not lost."""
    return [f"{prefix}/#"]


def is_own_output(prefix: str, topic: str) -> bool:
    """Whether ``topic`` is one the IOC publishes itself (an alert), not input to ingest."""
    parts = topic.removeprefix(prefix + "/").split("/")
    return (
        topic.startswith(prefix + "/")
        and len(parts) == 3
        and parts[1] == ALERT
        and SOURCE_ID.match(parts[0]) is not None
        and parts[2].isdigit()
    )


def topic_for(prefix: str, stream: str, source_id: str, message_type: str) -> str:
    """The topic a device publishes a message on."""
    return f"{prefix}/{stream}/{source_id}/{message_type}"


def retired(prefix: str, topic: str) -> str | None:
    """Why a topic of a retired form is refused, or None when it is not one."""
    parts = topic.removeprefix(prefix + "/").split("/")
    if not topic.startswith(prefix + "/") or len(parts) != 3:
        return None
    reason = RETIRED.get((parts[0], parts[2]))
    return reason.format(prefix=prefix) if reason else None


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
