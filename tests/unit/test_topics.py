"""The versioned topic scheme."""

from __future__ import annotations

from ioc.mqtt.topics import Topic, is_own_output, split_topic, subscriptions, topic_for


def test_round_trip() -> None:
    topic = topic_for("ioc/v1", "camera", "LD-DL-01", "detection")
    assert topic == "ioc/v1/camera/LD-DL-01/detection"
    assert split_topic("ioc/v1", topic) == Topic("camera", "LD-DL-01", "detection")


def test_subscriptions_cover_the_whole_prefix() -> None:
    """Unknown streams and types must reach the parser, which dead-letters them."""
    assert subscriptions("ioc/v1") == ["ioc/v1/#"]


def test_own_alerts_are_recognised_and_nothing_else() -> None:
    assert is_own_output("ioc/v1", "ioc/v1/672/alert/42")
    for topic in (
        "ioc/v1/672/alert/x",
        "ioc/v1/alert/42",
        "ioc/v2/672/alert/42",
        "ioc/v1/camera/alert/heartbeat",
        "ioc/v1/bad id/alert/1",
    ):
        assert not is_own_output("ioc/v1", topic), topic


def test_wrong_shapes_explain_themselves() -> None:
    assert "outside" in str(split_topic("ioc/v1", "ioc/v2/camera/x/detection"))
    assert "<stream>" in str(split_topic("ioc/v1", "ioc/v1/camera/x/y/detection"))


def test_every_known_stream_has_a_parser() -> None:
    from ioc.ingest.parsers import PARSERS
    from ioc.mqtt.topics import KNOWN

    assert set(PARSERS) == KNOWN
