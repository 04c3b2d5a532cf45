"""Child processes for ingest tests: ``ioc ingest`` workers and a paho publisher."""

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
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import func, select

from ioc.store import Store
from ioc.store.models import SensorReading

ROOT = Path(__file__).resolve().parents[1]


class WorkerProcess:
    """``ioc ingest`` as a child process with a fixed client id (a persistent session)."""

    def __init__(
        self, database_url: str, broker_port: int, log: Path, prefix: str = "", **extra: str
    ) -> None:
        tag = uuid.uuid4().hex[:8]
        self.prefix = prefix or f"fault-{tag}/v1"
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
    """Sensor messages with ids m0..m(N-1), QoS 1, on its own persistent session.

    ``acked`` holds the ids whose PUBACK came back: what the broker promised to deliver.
    ``login`` is (user, password, CA file) for a broker with passwords and TLS.
    """

    def __init__(self, port: int, prefix: str, login: tuple[str, str, str] | None = None) -> None:
        self.topic = f"{prefix}/sensor/DL-AQ-01/reading"
        self.client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=f"fault-pub-{uuid.uuid4().hex[:6]}",
            clean_session=False,
        )
        self.client.max_inflight_messages_set(100)
        self.client.reconnect_delay_set(min_delay=1, max_delay=2)
        self.sent: dict[int, str] = {}
        self.acked_mids: set[int] = set()
        self.client.on_publish = lambda _c, _u, mid, _r, _p: self.acked_mids.add(mid)
        if login is not None:
            self.client.username_pw_set(login[0], login[1])
            self.client.tls_set(ca_certs=login[2])
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    @property
    def acked(self) -> set[str]:
        return {msg_id for mid, msg_id in self.sent.items() if mid in self.acked_mids}

    def send(self, start: int, stop: int, rate: float = 2000, ts: datetime | None = None) -> None:
        """Messages ``m<start>`` … ``m<stop - 1>``, stamped now (or ``ts``: sending the same
        message again then is a duplicate, not a new reading)."""
        began = time.monotonic()
        infos = []
        for i in range(start, stop):
            body = {
                "v": 1,
                "msg_id": f"m{i}",
                "ts": (ts or datetime.now(UTC)).isoformat(),
                "lon": 108.447,
                "lat": 11.938,
                "readings": [{"q": "pm25_ugm3", "value": float(i % 90)}],
            }
            infos.append(self.client.publish(self.topic, json.dumps(body), qos=1))
            self.sent[infos[-1].mid] = f"m{i}"
            delay = began + (i - start + 1) / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        mids = {info.mid for info in infos}
        # Polled rather than info.wait_for_publish(): a message published while the broker
        # is away says "no connection" but stays queued, and paho sends it on reconnect.
        deadline = time.monotonic() + 60
        while not mids <= self.acked_mids and time.monotonic() < deadline:
            time.sleep(0.02)
        assert mids <= self.acked_mids, f"{len(mids - self.acked_mids)} messages not acknowledged"

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def stored(store: Store) -> tuple[int, int]:
    with store.session() as session:
        rows = session.scalar(select(func.count()).select_from(SensorReading))
        distinct = session.scalar(select(func.count(func.distinct(SensorReading.msg_id))))
    return int(rows or 0), int(distinct or 0)
