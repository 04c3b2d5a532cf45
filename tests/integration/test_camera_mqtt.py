"""The chain end to end: a camera registered in the store with a video file as its stream,
the camera worker on it, its detection on the real Mosquitto, and the ingest worker storing
it with the snapshot path."""

from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import select

from camera.registry import cameras_from_store
from camera.worker import CameraWorker
from ioc.config import Settings
from ioc.ingest.worker import IngestWorker
from ioc.mqtt.payloads import DetectionV1
from ioc.sim.clips import ClipSpec, render_frames, write_video
from ioc.store import Store
from ioc.store.cameras import CameraSpec, upsert_cameras
from ioc.store.models import Camera, Detection
from testkit.helpers import wait_for

pytestmark = pytest.mark.mosquitto


def subscriber(host: str, port: int, topic: str, inbox: list[tuple[str, dict[str, Any]]]):
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2)
    subscribed = threading.Event()
    client.on_connect = lambda c, *_: c.subscribe(topic, qos=1)
    client.on_subscribe = lambda *_: subscribed.set()
    client.on_message = lambda _c, _u, m: inbox.append((m.topic, json.loads(m.payload)))
    client.connect(host, port)
    client.loop_start()
    assert subscribed.wait(10)
    return client


def test_plume_on_file_becomes_a_stored_detection(
    sqlite_store: Store, mosquitto: tuple[str, int], tmp_path: Path
) -> None:
    host, port = mosquitto
    prefix = f"ioc-test-{uuid.uuid4().hex[:8]}/v1"
    clip = write_video(tmp_path / "plume.avi", render_frames(ClipSpec("plume", "smoke", 1.0, 1)))
    settings = Settings.model_validate(
        {
            "var_dir": str(tmp_path / "var"),
            "database": {"url": str(sqlite_store.engine.url)},
            "mqtt": {
                "host": host,
                "port": port,
                "topic_prefix": prefix,
                "client_id": f"ioc-test-{uuid.uuid4().hex[:8]}",
            },
            "ingest": {"batch_size": 10, "max_latency_s": 0.1},
            "camera_worker": {"heartbeat_interval_s": 0.5, "loop_files": False},
        }
    )
    with sqlite_store.session() as session:
        upsert_cameras(
            session,
            [
                CameraSpec("LD-BL-07", "Bảo Lộc 07", 107.8, 11.55, stream_url=str(clip)),
                CameraSpec("LD-DL-01", "Đà Lạt 01 (no stream)", 108.44, 11.94),
            ],
        )
    assert [c.id for c in cameras_from_store(settings.database_url)] == ["LD-BL-07"]

    inbox: list[tuple[str, dict[str, Any]]] = []
    listener = subscriber(host, port, f"{prefix}/camera/+/+", inbox)
    ingest = IngestWorker(settings, sqlite_store)
    stop = threading.Event()
    threads = [
        threading.Thread(target=ingest.run, args=(stop,), daemon=True),
        threading.Thread(
            target=CameraWorker(settings, realtime=False).run, args=(stop,), daemon=True
        ),
    ]
    for thread in threads:
        thread.start()
    try:
        assert wait_for(lambda: any(t.endswith("/detection") for t, _ in inbox), 20)
        assert wait_for(lambda: any(t.endswith("/heartbeat") for t, _ in inbox), 5)
        topic, payload = next((t, p) for t, p in inbox if t.endswith("/detection"))
        assert topic == f"{prefix}/camera/LD-BL-07/detection"
        detection = DetectionV1.model_validate(payload)
        assert detection.kind == "smoke" and detection.snapshot and detection.clip
        assert (settings.var_dir / detection.snapshot).stat().st_size > 1000
        assert (settings.var_dir / detection.clip).stat().st_size > 1000
        assert detection.snapshot.startswith("snapshots/LD-BL-07/")

        def stored() -> list[Detection]:
            with sqlite_store.session() as session:
                return list(session.scalars(select(Detection)))

        assert wait_for(lambda: len(stored()) >= 1, 10)
        row = stored()[0]
        assert (row.camera_id, row.kind, row.snapshot) == ("LD-BL-07", "smoke", detection.snapshot)
        with sqlite_store.session() as session:
            camera = session.get(Camera, "LD-BL-07")
            assert camera is not None and camera.last_detection_at is not None
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
        listener.loop_stop()
        listener.disconnect()
    assert len([t for t, _ in inbox if t.endswith("/detection")]) == 1  # one plume, one event
