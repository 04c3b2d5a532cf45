"""The whole path: a detection published to the real Mosquitto reaches the store (PostGIS)
through the ingest worker and turns the camera's marker red in Chromium within seconds."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from ioc.config import Settings
from ioc.ingest.worker import IngestWorker
from ioc.store import Store
from ioc.timeutil import utcnow
from ioc.web.app import create_app
from testkit.overview_support import FIGURE_JS, FILLED_JS, seed, trace_of
from tests.e2e.conftest import LiveServer, WatchedPage

pytestmark = [pytest.mark.e2e, pytest.mark.mosquitto, pytest.mark.postgis]

ALARM_JS = (
    f"() => {{ const d = ({FIGURE_JS})(); const a = d && d.find(t => t.meta === 'alarm');"
    " return !!a && a.ids.includes('cam-1'); }"
)


@pytest.fixture
def settings(mosquitto: tuple[str, int], tmp_path: Any) -> Settings:
    host, port = mosquitto
    tag = uuid.uuid4().hex[:8]
    return Settings.model_validate(
        {
            "var_dir": str(tmp_path),
            "mqtt": {
                "host": host,
                "port": port,
                "protocol": "5",
                "topic_prefix": f"e2e-{tag}/v1",
                "client_id": f"e2e-{tag}",
            },
            "ingest": {"max_latency_s": 0.05},
            "web": {"refresh_s": 1.0},
        }
    )


@pytest.fixture
def worker(settings: Settings, postgis_store: Store) -> Iterator[IngestWorker]:
    seed(postgis_store, utcnow())
    ingest = IngestWorker(settings, postgis_store)
    stop = threading.Event()
    thread = threading.Thread(target=ingest.run, args=(stop,), daemon=True)
    thread.start()
    assert ingest.transport.subscribed.wait(10)
    yield ingest
    stop.set()
    thread.join(10)


def publish_detection(settings: Settings, camera_id: str) -> None:
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2)
    client.connect(settings.mqtt.host, settings.mqtt.port)
    client.loop_start()
    payload = {
        "v": 1,
        "msg_id": uuid.uuid4().hex,
        "ts": utcnow().isoformat(),
        "kind": "smoke",
        "score": 0.91,
        "bbox": [0.4, 0.3, 0.1, 0.1],
    }
    topic = f"{settings.mqtt.topic_prefix}/camera/{camera_id}/detection"
    client.publish(topic, json.dumps(payload), qos=1).wait_for_publish(5)
    client.disconnect()
    client.loop_stop()


def test_published_detection_turns_marker_to_alarm(
    settings: Settings,
    postgis_store: Store,
    worker: IngestWorker,
    serve: Callable[[Any], LiveServer],
    watched_page: WatchedPage,
) -> None:
    live = serve(create_app(settings, postgis_store).server)
    watched_page.sign_in(live)
    page = watched_page.page
    page.goto(live.url + "/")
    page.wait_for_function(FILLED_JS, timeout=15_000)
    assert trace_of(page.evaluate(FIGURE_JS), "online")["ids"] == ["cam-1"]

    started = time.monotonic()
    publish_detection(settings, "cam-1")
    page.wait_for_function(ALARM_JS, timeout=5_000)
    seconds = time.monotonic() - started

    assert worker.stats.stored == 1
    assert trace_of(page.evaluate(FIGURE_JS), "online")["ids"] == []
    status = page.get_attribute("#overview-camera-status li[data-camera-id='cam-1']", "data-status")
    assert status == "alarm"
    assert seconds < 5
    assert watched_page.problems() == []
