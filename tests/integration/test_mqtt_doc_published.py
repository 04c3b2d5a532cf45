"""Every example of docs/mqtt.md, published verbatim to the real Mosquitto, is stored by the
ingest worker: nothing dead-lettered. Both backends."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import func, select

from ioc.auth.user_roles import Role
from ioc.config import Settings
from ioc.geography.defaults import seed_default_units
from ioc.ingest.worker import IngestWorker
from ioc.reports.categories import seed_categories
from ioc.store import Store
from ioc.store.models import CitizenReport, DeadLetter, Incident
from ioc.timeutil import utcnow
from testkit.auth_support import add_account
from testkit.helpers import add_cameras, wait_for
from tests.incidents_support import add_incident
from tests.reports_support import add_report
from tests.unit.test_mqtt_doc import examples

pytestmark = pytest.mark.mosquitto


def prepare(store: Store) -> None:
    """What the examples refer to: units, categories, camera LD-DL-01, incident 42 and a
    closed report 731 (rated by the rating example)."""
    seed_default_units(store)
    add_cameras(store, "LD-DL-01")
    with store.session() as session:
        seed_categories(session)
    add_incident(store, utcnow() - timedelta(minutes=5), id=42, title="Khói")
    add_account(store, Role.FIELD, "672", username="hientruong.dalat")  # the ack's MQTT user
    add_report(store, "24778", utcnow() - timedelta(days=1), "resolved", id=731)


@pytest.fixture
def worker(store: Store, mosquitto: tuple[str, int]) -> Iterator[IngestWorker]:
    prepare(store)
    tag = uuid.uuid4().hex[:8]
    settings = Settings.model_validate(
        {
            "mqtt": {
                "host": mosquitto[0],
                "port": mosquitto[1],
                "topic_prefix": f"doc-{tag}/v1",
                "client_id": f"doc-{tag}",
            },
            "ingest": {"max_latency_s": 0.1},
        }
    )
    ingest = IngestWorker(settings, store)
    stop = threading.Event()
    thread = threading.Thread(target=ingest.run, args=(stop,), daemon=True)
    thread.start()
    assert ingest.transport.subscribed.wait(10)
    yield ingest
    stop.set()
    thread.join(10)


def test_every_documented_example_is_stored(
    worker: IngestWorker, store: Store, mosquitto: tuple[str, int]
) -> None:
    prefix = worker.settings.mqtt.topic_prefix
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2)
    client.connect(*mosquitto)
    client.loop_start()
    sent = examples()
    for topic, body in sent:
        client.publish(topic.replace("ioc/v1", prefix, 1), body.encode(), qos=1).wait_for_publish(5)
    client.disconnect()
    client.loop_stop()
    assert wait_for(lambda: worker.stats.received == len(sent), timeout=15)
    assert worker.stats.rejected == {}
    assert worker.stats.stored == len(sent)
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(DeadLetter)) == 0
        incident = session.get(Incident, 42)
        assert incident is not None and incident.status == "acknowledged"
        rated = session.get(CitizenReport, 731)
        assert rated is not None and rated.rating == 5
