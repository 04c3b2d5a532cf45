"""The versioned topic scheme."""

from __future__ import annotations

from ioc.mqtt.topics import Topic, split_topic, subscriptions, topic_for


def test_round_trip() -> None:
    topic = topic_for("ioc/v1", "camera", "LD-DL-01", "detection")
    assert topic == "ioc/v1/camera/LD-DL-01/detection"
    assert split_topic("ioc/v1", topic) == Topic("camera", "LD-DL-01", "detection")


def test_subscriptions_cover_every_known_stream() -> None:
    assert subscriptions("ioc/v1") == [
        "ioc/v1/camera/+/detection",
        "ioc/v1/camera/+/heartbeat",
        "ioc/v1/dossier/+/event",
        "ioc/v1/incident/+/ack",
        "ioc/v1/report/+/new",
        "ioc/v1/sensor/+/reading",
    ]


def test_wrong_shapes_explain_themselves() -> None:
    assert "outside" in str(split_topic("ioc/v1", "ioc/v2/camera/x/detection"))
    assert "<stream>" in str(split_topic("ioc/v1", "ioc/v1/camera/x/y/detection"))


def test_every_known_stream_has_a_parser() -> None:
    from ioc.ingest.parsers import PARSERS
    from ioc.mqtt.topics import KNOWN

    assert set(PARSERS) == KNOWN
