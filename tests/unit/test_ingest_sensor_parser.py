"""Sensor readings: single and gateway-batched, range-checked, inside the province."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ioc.ingest.messages import Rejected, SensorReadings
from ioc.ingest.parsers import ParseRules, parse_message
from ioc.mqtt.inbound import InboundMessage

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
TOPIC = "ioc/v1/sensor/DL-AQ-01/reading"


def inside_box(lon: float, lat: float) -> bool:
    return 107.0 <= lon <= 109.0 and 10.5 <= lat <= 12.5


RULES = ParseRules(inside=inside_box)


def parse(payload: dict[str, object]) -> object:
    return parse_message(InboundMessage(TOPIC, json.dumps(payload).encode(), NOW), RULES)


def sensor(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "v": 1,
        "msg_id": "s-1",
        "ts": "2026-11-25T07:59:00Z",
        "lon": 108.44,
        "lat": 11.94,
        "readings": [
            {"q": "pm25_ugm3", "value": 38.5},
            {"q": "temperature_c", "value": 17.2, "ts": "2026-11-25T07:58:00Z"},
        ],
    }
    base.update(changes)
    return base


def test_batch_of_readings_keeps_order_and_own_times() -> None:
    out = parse(sensor())
    assert isinstance(out, SensorReadings)
    assert out.station_id == "DL-AQ-01"
    assert [(r.quantity, r.value) for r in out.readings] == [
        ("pm25_ugm3", 38.5),
        ("temperature_c", 17.2),
    ]
    assert out.readings[0].observed_at == datetime(2026, 11, 25, 7, 59, tzinfo=UTC)
    assert out.readings[1].observed_at == datetime(2026, 11, 25, 7, 58, tzinfo=UTC)


def test_outside_the_province_is_rejected() -> None:
    out = parse(sensor(lon=105.85, lat=21.03))  # Hà Nội
    assert isinstance(out, Rejected)
    assert out.reason == "outside_province"


def test_impossible_value_names_the_reading() -> None:
    out = parse(
        sensor(readings=[{"q": "humidity_pct", "value": 20}, {"q": "humidity_pct", "value": 140}])
    )
    assert isinstance(out, Rejected)
    assert (out.reason, out.detail.split(":")[0]) == ("out_of_range", "readings.1")


def test_wrong_types_and_unknown_quantity() -> None:
    for bad in (
        sensor(lat="north"),
        sensor(readings=[]),
        sensor(readings=[{"q": "radiation", "value": 1}]),
        sensor(readings=[{"q": "rain_mm", "value": "1"}]),
    ):
        out = parse(bad)
        assert isinstance(out, Rejected)
        assert out.reason == "invalid_fields", bad


def test_a_reading_from_the_future_is_rejected() -> None:
    out = parse(sensor(readings=[{"q": "rain_mm", "value": 1.0, "ts": "2026-12-01T00:00:00Z"}]))
    assert isinstance(out, Rejected)
    assert (out.reason, out.detail.split(":")[0]) == ("future_timestamp", "readings.0")
