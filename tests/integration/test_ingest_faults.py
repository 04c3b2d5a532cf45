"""The ingest worker loses nothing when it is killed, when the broker restarts and when the
database is away for 30 s. Real Mosquitto (the test's own), real PostGIS, a real worker
process (``ioc ingest``)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from ioc.store import Store
from ioc.store.models import SensorReading
from tests.helpers import wait_for
from tests.mosquitto_proc import MosquittoProcess
from tests.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.postgis, pytest.mark.mosquitto]
ROOT = Path(__file__).resolve().parents[2]


class WorkerProcess:
    """``ioc ingest`` as a child process with a fixed client id (a persistent session)."""

    def __init__(self, database_url: str, broker_port: int, log: Path, **extra: str) -> None:
        tag = uuid.uuid4().hex[:8]
        self.prefix = f"fault-{tag}/v1"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
        self.env.update(
            {
                "IOC_DATABASE__URL": database_url,
                "IOC_MQTT__PORT": str(broker_port),
                "IOC_MQTT__PROTOCOL": "5",
                "IOC_MQTT__CLIENT_ID": f"fault-worker-{tag}",
                "IOC_MQTT__TOPIC_PREFIX": self.prefix,
                "IOC_INGEST__MAX_LATENCY_S": "0.1",
                **extra,
            }
        )
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "ioc.cli", "ingest"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=out,
            )

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(20)


class Publisher:
    """Sensor messages with ids m0..m(N-1), QoS 1, on its own persistent session."""

    def __init__(self, port: int, prefix: str) -> None:
        self.topic = f"{prefix}/sensor/DL-AQ-01/reading"
        self.client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=f"fault-pub-{uuid.uuid4().hex[:6]}",
            clean_session=False,
        )
        self.client.max_inflight_messages_set(100)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def send(self, start: int, stop: int, rate: float = 2000) -> None:
        began = time.monotonic()
        infos = []
        for i in range(start, stop):
            body = {
                "v": 1,
                "msg_id": f"m{i}",
                "ts": datetime.now(UTC).isoformat(),
                "lon": 108.447,
                "lat": 11.938,
                "readings": [{"q": "pm25_ugm3", "value": float(i % 90)}],
            }
            infos.append(self.client.publish(self.topic, json.dumps(body), qos=1))
            delay = began + (i - start + 1) / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        for info in infos:
            info.wait_for_publish(60)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def stored(store: Store) -> tuple[int, int]:
    with store.session() as session:
        rows = session.scalar(select(func.count()).select_from(SensorReading))
        distinct = session.scalar(select(func.count(func.distinct(SensorReading.msg_id))))
    return int(rows or 0), int(distinct or 0)


def started_worker(worker: WorkerProcess, store: Store, publisher: Publisher) -> None:
    """Start the worker and wait until it stores a first message (m0)."""
    worker.start()
    deadline = time.monotonic() + 30
    while stored(store)[0] == 0 and time.monotonic() < deadline:
        publisher.send(0, 1)
        time.sleep(0.3)
    assert stored(store)[0] == 1, worker.log.read_text()[-2000:]


def test_sigkill_mid_stream_then_restart(
    postgis_store: Store, postgis_url: str, own_mosquitto: MosquittoProcess, tmp_path: Path
) -> None:
    worker = WorkerProcess(postgis_url, own_mosquitto.port, tmp_path / "worker.log")
    publisher = Publisher(own_mosquitto.port, worker.prefix)
    try:
        started_worker(worker, postgis_store, publisher)
        publisher.send(1, 1500)
        assert wait_for(lambda: stored(postgis_store)[0] >= 300, timeout=20)
        worker.kill()
        publisher.send(1500, 3000)  # the broker queues these for the dead worker's session
        worker.start()
        assert wait_for(lambda: stored(postgis_store)[0] == 3000, timeout=60), stored(postgis_store)
        time.sleep(1)  # nothing more trickles in
        assert stored(postgis_store) == (3000, 3000)
    finally:
        publisher.close()
        worker.stop()


def test_broker_restart(
    postgis_store: Store, postgis_url: str, own_mosquitto: MosquittoProcess, tmp_path: Path
) -> None:
    worker = WorkerProcess(postgis_url, own_mosquitto.port, tmp_path / "worker.log")
    publisher = Publisher(own_mosquitto.port, worker.prefix)
    try:
        started_worker(worker, postgis_store, publisher)
        publisher.send(1, 1000)
        publisher.close()
        own_mosquitto.restart(down_for=2)
        publisher = Publisher(own_mosquitto.port, worker.prefix)
        publisher.send(1000, 2000)
        assert wait_for(lambda: stored(postgis_store)[0] == 2000, timeout=60), stored(postgis_store)
        assert stored(postgis_store) == (2000, 2000)
        assert "disconnected from broker" in worker.log.read_text()
    finally:
        publisher.close()
        worker.stop()


def test_database_away_for_30_seconds(
    postgis_store: Store, postgis_url: str, own_mosquitto: MosquittoProcess, tmp_path: Path
) -> None:
    real = make_url(postgis_url)
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432)
    via_proxy = real.set(host="127.0.0.1", port=proxy.port).render_as_string(False)
    worker = WorkerProcess(
        via_proxy, own_mosquitto.port, tmp_path / "worker.log", IOC_INGEST__QUEUE_MAX="500"
    )
    publisher = Publisher(own_mosquitto.port, worker.prefix)
    try:
        started_worker(worker, postgis_store, publisher)
        proxy.cut()
        cut_at = time.monotonic()
        publisher.send(1, 4000, rate=400)  # ~10 s of traffic while the database is away
        time.sleep(max(0.0, 30 - (time.monotonic() - cut_at)))
        assert stored(postgis_store)[0] == 1  # nothing could be written meanwhile
        proxy.restore()
        assert wait_for(lambda: stored(postgis_store)[0] == 4000, timeout=90), stored(postgis_store)
        assert stored(postgis_store) == (4000, 4000)
        log = worker.log.read_text()
        assert "database unavailable" in log
        assert worker.process is not None and worker.process.poll() is None  # still running
    finally:
        publisher.close()
        worker.stop()
        proxy.close()
