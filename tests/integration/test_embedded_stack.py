"""The embedded defaults: amqtt broker + simulator + ingest worker into SQLite."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from ioc.broker import BrokerStartError, EmbeddedBroker
from ioc.config import Settings
from ioc.ingest.worker import IngestWorker
from ioc.sim.province import Simulator
from ioc.store import Store
from ioc.store.cameras import CameraSpec, upsert_cameras
from ioc.store.models import Camera, Detection
from testkit.helpers import free_port, wait_for

CAMERAS = [
    CameraSpec("LD-DL-01", "Đỉnh Langbiang", 108.440, 12.047),
    CameraSpec("LD-DL-02", "Hồ Tuyền Lâm", 108.437, 11.902),
    CameraSpec("LD-BL-01", "Thác Đambri", 107.738, 11.635),
]


def test_simulated_province_flows_into_the_store(sqlite_store: Store) -> None:
    port = free_port()
    settings = Settings.model_validate(
        {
            "mqtt": {"port": port},
            "broker": {"port": port},
            "simulator": {
                "heartbeat_interval_s": 0.5,
                "detection_interval_s": 0.5,
                "offline_share": 0.34,
            },
            "ingest": {"max_latency_s": 0.1},
        }
    )
    with sqlite_store.session() as session:
        upsert_cameras(session, CAMERAS)
    broker = EmbeddedBroker("127.0.0.1", port)
    broker.start()
    stop = threading.Event()
    worker = IngestWorker(settings, sqlite_store)
    simulator = Simulator(settings.mqtt, settings.simulator, CAMERAS)
    threads = [
        threading.Thread(target=t.run, args=(stop,), daemon=True) for t in (worker, simulator)
    ]
    for thread in threads:
        thread.start()
    try:

        def seen() -> tuple[int, int]:
            with sqlite_store.session() as session:
                beating = session.scalar(
                    select(func.count()).where(Camera.last_heartbeat_at.is_not(None))
                )
                detections = session.scalar(select(func.count()).select_from(Detection))
                return int(beating or 0), int(detections or 0)

        assert wait_for(lambda: seen()[0] == 2 and seen()[1] >= 1, timeout=20), seen()
        assert worker.stats.rejected == {}
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
        broker.stop()
    assert not any(thread.is_alive() for thread in threads)


def test_broker_refuses_a_taken_port() -> None:
    port = free_port()
    first = EmbeddedBroker("127.0.0.1", port)
    first.start()
    try:
        with pytest.raises(BrokerStartError, match="already in use"):
            EmbeddedBroker("127.0.0.1", port).start()
    finally:
        first.stop()
