"""Simulated messages are plausible: every one the simulator makes is accepted by ingest."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

from ioc.ingest.messages import SensorReadings
from ioc.ingest.parsers import ParseRules, parse_message
from ioc.mqtt.inbound import InboundMessage
from ioc.sim.province import DEMO_STATIONS
from ioc.sim.sensors import read_stations, reading_value, sensor_payload

STATIONS = read_stations(DEMO_STATIONS)


def test_a_year_of_simulated_messages_is_accepted() -> None:
    rng = random.Random(1)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for step in range(0, 365 * 24, 7):
        moment = start + timedelta(hours=step)
        for station in STATIONS:
            body = json.dumps(sensor_payload(station, moment, rng)).encode()
            topic = f"ioc/v1/sensor/{station.id}/reading"
            out = parse_message(InboundMessage(topic, body, moment), ParseRules())
            assert isinstance(out, SensorReadings), (station.id, moment, out)


def test_da_lat_is_cool_and_phan_thiet_is_hot() -> None:
    rng = random.Random(2)
    noon = datetime(2026, 3, 1, 7, 0, tzinfo=UTC)  # 14:00 local
    by_id = {s.id: s for s in STATIONS}
    da_lat = reading_value("temperature_c", by_id["DL-AQ-01"], noon, rng)
    phan_thiet = reading_value("temperature_c", by_id["PT-AQ-01"], noon, rng)
    assert 18 <= da_lat <= 25
    assert 28 <= phan_thiet <= 34


def test_dry_season_has_no_rain() -> None:
    rng = random.Random(3)
    station = next(s for s in STATIONS if "rain_mm" in s.quantities)
    days = [datetime(2026, 2, d, 9, 0, tzinfo=UTC) for d in range(1, 28)]
    assert all(reading_value("rain_mm", station, day, rng) == 0 for day in days)


def test_simulated_citizen_reports_are_accepted() -> None:
    from ioc.ingest.messages import CitizenReportEvent
    from ioc.sim.province import REPORT_APP, report_payload
    from ioc.sim.reports import simulated_reports

    rng = random.Random(4)
    now = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    for report in simulated_reports(rng, now, count=30):
        body = json.dumps(report_payload(report)).encode()
        topic = f"ioc/v1/report/{REPORT_APP}/new"
        out = parse_message(InboundMessage(topic, body, now), ParseRules())
        assert isinstance(out, CitizenReportEvent), out


def test_simulated_gauges_stay_under_the_flood_alarm() -> None:
    rng = random.Random(6)
    gauges = [s for s in STATIONS if "water_level_m" in s.quantities]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    levels = [
        reading_value("water_level_m", station, start + timedelta(days=d), rng)
        for station in gauges
        for d in range(0, 365, 5)
    ]
    assert gauges and max(levels) < 3.0  # the flood rule of data/incident_rules.toml
