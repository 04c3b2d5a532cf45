"""Sensor readings on both backends: bulk path, exactly-once rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from ioc.ingest.messages import Reading, SensorReadings
from ioc.ingest.writer import BatchWriter
from ioc.mqtt.inbound import InboundMessage
from ioc.store import Store
from ioc.store.models import SensorReading

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
MSG = InboundMessage("ioc/v1/sensor/x/reading", b"{}", NOW)


def gateway(msg_id: str, count: int) -> SensorReadings:
    readings = tuple(
        Reading("rain_mm", float(i % 7), NOW - timedelta(seconds=i)) for i in range(count)
    )
    return SensorReadings(msg_id, "BL-RAIN-02", 107.8, 11.55, readings)


def test_readings_are_stored_once_even_when_redelivered(store: Store) -> None:
    writer = BatchWriter(store)
    first = writer.write([(MSG, gateway("g1", 100)), (MSG, gateway("g2", 3))], [], NOW)
    again = writer.write([(MSG, gateway("g1", 100))], [], NOW)
    assert (first.readings, first.duplicates) == (103, 0)
    assert (again.readings, again.duplicates) == (0, 100)
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(SensorReading)) == 103
        row = session.scalars(select(SensorReading).where(SensorReading.msg_id == "g2#2")).one()
    assert (row.station_id, row.quantity, row.value) == ("BL-RAIN-02", "rain_mm", 2.0)
    assert row.observed_at == NOW - timedelta(seconds=2)
    assert row.stored_at == NOW
