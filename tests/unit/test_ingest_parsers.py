"""Parsers turn every kind of bad payload into a Rejected with a precise reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ioc.ingest.messages import CameraDetection, CameraHeartbeat, Rejected
from ioc.ingest.parsers import ParseRules, parse_message
from ioc.mqtt.inbound import InboundMessage

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
RULES = ParseRules(prefix="ioc/v1", max_payload_bytes=4096, future_tolerance_s=300)
HB_TOPIC = "ioc/v1/camera/LD-DL-01/heartbeat"
DET_TOPIC = "ioc/v1/camera/LD-DL-01/detection"


def msg(topic: str, payload: object) -> InboundMessage:
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return InboundMessage(topic=topic, payload=raw, received_at=NOW)


def detection(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "v": 1,
        "msg_id": "d-1",
        "ts": "2026-11-25T07:59:58Z",
        "kind": "smoke",
        "score": 0.91,
        "bbox": [0.1, 0.2, 0.3, 0.1],
    }
    base.update(changes)
    return base


def test_heartbeat_becomes_record_with_camera_from_topic() -> None:
    out = parse_message(
        msg(
            HB_TOPIC, {"v": 1, "msg_id": "h-1", "ts": "2026-11-25T14:59:00+07:00", "health": "dark"}
        ),
        RULES,
    )
    assert out == CameraHeartbeat(
        msg_id="h-1",
        camera_id="LD-DL-01",
        observed_at=datetime(2026, 11, 25, 7, 59, tzinfo=UTC),
        health="dark",
        fps=None,
    )


def test_detection_becomes_record() -> None:
    out = parse_message(msg(DET_TOPIC, detection()), RULES)
    assert isinstance(out, CameraDetection)
    assert (out.camera_id, out.kind, out.score, out.bbox) == (
        "LD-DL-01",
        "smoke",
        0.91,
        (0.1, 0.2, 0.3, 0.1),
    )


@pytest.mark.parametrize(
    ("topic", "payload", "reason", "detail_part"),
    [
        (DET_TOPIC, b"not json at all", "not_json", "Expecting value"),
        (DET_TOPIC, b"\xff\xfe\x00", "not_utf8", "UTF-8"),
        (DET_TOPIC, [1, 2, 3], "not_object", "list"),
        (DET_TOPIC, detection(score="high"), "invalid_fields", "score"),
        (DET_TOPIC, detection(score=1.5), "invalid_fields", "score"),
        (
            DET_TOPIC,
            b'{"v":1,"msg_id":"x","ts":"2026-11-25T07:59:58Z","kind":"smoke","score":NaN}',
            "not_json",
            "NaN",
        ),
        (DET_TOPIC, detection(kind="flood"), "invalid_fields", "kind"),
        (DET_TOPIC, detection(v=2), "invalid_fields", "v"),
        (DET_TOPIC, detection(ts="2026-11-25T07:59:58"), "invalid_fields", "ts"),
        (DET_TOPIC, detection(ts="2027-01-01T00:00:00Z"), "future_timestamp", "ahead"),
        (DET_TOPIC, detection(msg_id="'; DROP TABLE detections; --"), "invalid_fields", "msg_id"),
        (DET_TOPIC, detection(extra="field"), "invalid_fields", "extra"),
        (
            DET_TOPIC,
            {k: v for k, v in detection().items() if k != "msg_id"},
            "invalid_fields",
            "msg_id",
        ),
        ("ioc/v1/camera/LD-DL-01/weather", detection(), "bad_topic", "unknown"),
        ("other/v1/camera/x/detection", detection(), "bad_topic", "outside"),
        ("ioc/v1/camera/bad id!/detection", detection(), "bad_topic", "source id"),
        (DET_TOPIC, b"{" + b" " * 5000 + b"}", "too_large", "5002 bytes"),
    ],
)
def test_bad_input_is_rejected_with_reason(
    topic: str, payload: object, reason: str, detail_part: str
) -> None:
    out = parse_message(msg(topic, payload), RULES)
    assert isinstance(out, Rejected)
    assert out.reason == reason
    assert detail_part in out.detail


def test_small_clock_skew_is_accepted() -> None:
    ahead = (NOW + timedelta(seconds=200)).isoformat()
    assert isinstance(parse_message(msg(DET_TOPIC, detection(ts=ahead)), RULES), CameraDetection)


def test_unicode_text_is_kept() -> None:
    out = parse_message(msg(DET_TOPIC, detection(snapshot="ảnh/Đà Lạt/khói.jpg")), RULES)
    assert isinstance(out, CameraDetection)
    assert out.snapshot == "ảnh/Đà Lạt/khói.jpg"


json_values = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=6)
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(
    topic=st.sampled_from([HB_TOPIC, DET_TOPIC, "ioc/v1/camera//detection", "ioc/v1", "#"]),
    body=st.one_of(
        st.binary(max_size=300),
        json_values.map(lambda v: json.dumps(v, allow_nan=True).encode()),
        st.fixed_dictionaries(
            {
                "v": st.integers(0, 2),
                "msg_id": st.text(max_size=70),
                "ts": st.text(max_size=30),
                "kind": st.text(max_size=6),
                "score": st.floats(),
            }
        ).map(lambda v: json.dumps(v, allow_nan=True).encode()),
    ),
)
def test_parsers_never_raise(topic: str, body: bytes) -> None:
    out = parse_message(InboundMessage(topic=topic, payload=body, received_at=NOW), RULES)
    assert isinstance(out, Rejected | CameraHeartbeat | CameraDetection)
