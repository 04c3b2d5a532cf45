"""The ingest worker end to end on the real Mosquitto, into both store backends."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import func, select

from ioc.config import Settings
from ioc.ingest.worker import IngestWorker
from ioc.store import Store
from ioc.store.models import Camera, DeadLetter, Detection
from testkit.helpers import add_cameras, wait_for

pytestmark = pytest.mark.mosquitto


def worker_settings(host: str, port: int) -> Settings:
    prefix = f"ioc-test-{uuid.uuid4().hex[:8]}/v1"
    return Settings.model_validate(
        {
            "mqtt": {
                "host": host,
                "port": port,
                "topic_prefix": prefix,
                "client_id": f"ioc-test-{uuid.uuid4().hex[:8]}",
            },
            "ingest": {"batch_size": 50, "max_latency_s": 0.1},
        }
    )


@pytest.fixture
def running_worker(store: Store, mosquitto: tuple[str, int]) -> Iterator[IngestWorker]:
    settings = worker_settings(*mosquitto)
    worker = IngestWorker(settings, store)
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    assert worker.transport.subscribed.wait(10), "worker did not subscribe on Mosquitto"
    yield worker
    stop.set()
    thread.join(10)


def publisher(host: str, port: int) -> mqtt.Client:
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2)
    client.connect(host, port)
    client.loop_start()
    return client


def scalar_count(store: Store, model: type) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_heartbeats_detections_and_garbage(
    running_worker: IngestWorker, store: Store, mosquitto: tuple[str, int]
) -> None:
    add_cameras(store, "LD-DL-01")
    prefix = running_worker.settings.mqtt.topic_prefix
    now = datetime.now(UTC).isoformat()
    client = publisher(*mosquitto)
    infos = [
        client.publish(
            f"{prefix}/camera/LD-DL-01/heartbeat",
            json.dumps({"v": 1, "msg_id": "hb-1", "ts": now}),
            qos=1,
        ),
        client.publish(
            f"{prefix}/camera/LD-DL-01/detection",
            json.dumps({"v": 1, "msg_id": "det-1", "ts": now, "kind": "fire", "score": 0.8}),
            qos=1,
        ),
        client.publish(f"{prefix}/camera/LD-DL-01/detection", b"\x00garbage", qos=1),
        client.publish(f"{prefix}/camera/LD-DL-01/detection", b"x" * 1_000_000, qos=1),
        client.publish(
            f"{prefix}/camera/NO-SUCH/detection",
            json.dumps({"v": 1, "msg_id": "det-2", "ts": now, "kind": "smoke", "score": 0.5}),
            qos=1,
        ),
    ]
    for info in infos:
        info.wait_for_publish(5)
    assert wait_for(lambda: running_worker.stats.received == 5, timeout=10)
    client.disconnect()
    assert scalar_count(store, Detection) == 1
    assert scalar_count(store, DeadLetter) == 3
    assert running_worker.stats.rejected == {"not_json": 1, "too_large": 1, "unknown_camera": 1}
    with store.session() as session:
        camera = session.get(Camera, "LD-DL-01")
        assert camera is not None
        assert camera.last_heartbeat_at is not None
        assert camera.last_detection_at is not None


def test_unknown_streams_and_types_are_dead_lettered_not_lost(
    running_worker: IngestWorker, store: Store, mosquitto: tuple[str, int]
) -> None:
    """`bogus/x/y` and `camera/LD-DL-02/explode` vanished: the worker subscribed only to its
    six exact patterns (issue #17). The IOC's own alerts under the prefix are passed over."""
    prefix = running_worker.settings.mqtt.topic_prefix
    now = datetime.now(UTC).isoformat()
    body = json.dumps({"v": 1, "msg_id": "m-1", "ts": now})
    client = publisher(*mosquitto)
    topics = [
        f"{prefix}/bogus/x/y",
        f"{prefix}/camera/LD-DL-02/explode",
        f"{prefix}/camera/LD-DL-02/detection/extra",
        f"{prefix}/camera",
        f"{prefix}/672/alert/5",  # the IOC's own alert to field apps: not input
    ]
    for topic in topics:
        client.publish(topic, body, qos=1).wait_for_publish(5)
    assert wait_for(lambda: running_worker.stats.received == len(topics), timeout=10)
    client.disconnect()
    with store.session() as session:
        letters = session.execute(select(DeadLetter.topic, DeadLetter.reason)).all()
    assert sorted((t, r.split(":")[0]) for t, r in letters) == sorted(
        (t, "bad_topic") for t in topics[:4]
    )
    assert running_worker.stats.rejected == {"bad_topic": 4}
