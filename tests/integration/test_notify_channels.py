"""Each notification channel against a real local receiver: HTTP server, aiosmtpd, Mosquitto.
A receiver that is down gets retries, then a dead letter: nothing is lost."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
import shapely
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import select

from ioc.config import Settings
from ioc.notify.dispatch import Dispatcher, queue_deliveries
from ioc.notify.message import build_alert
from ioc.notify.subscriptions import SubscriptionSpec, add_subscription
from ioc.notify.webhook import verify
from ioc.store import Store
from ioc.store.models import DeadLetter, Incident
from ioc.store.models_incidents import NotificationDelivery
from testkit.helpers import free_port, wait_for
from tests.incidents_support import T0, http_receiver, incident_settings


def make_incident(store: Store) -> int:
    with store.session() as session:
        row = Incident(
            kind="smoke",
            severity="high",
            status="new",
            title="Phát hiện khói: Đồi A",
            unit_code="U1",
            camera_id=None,
            lon=108.43,
            lat=11.9,
            geom=shapely.Point(108.43, 11.9),
            opened_at=T0,
            updated_at=T0,
            snapshot="snapshots/CAM-A/a.jpg",
            member_count=1,
            escalation_level=0,
        )
        session.add(row)
        session.flush()
        return row.id


def send(store: Store, settings: Settings, channel: str, target: str) -> tuple[Dispatcher, int]:
    """Queue one delivery of a new incident on ``channel`` and hand it to a dispatcher."""
    incident_id = make_incident(store)
    dispatcher = Dispatcher(settings, store)
    with store.session() as session:
        sub = add_subscription(session, SubscriptionSpec(channel, target=target))
        incident = session.get(Incident, incident_id)
        assert incident is not None
        ids = queue_deliveries(session, build_alert(incident, "http://ioc.test"), [sub])
    dispatcher.submit(ids)
    return dispatcher, ids[0]


def delivery(store: Store, delivery_id: int) -> NotificationDelivery:
    with store.session() as session:
        row = session.get(NotificationDelivery, delivery_id)
        assert row is not None
        return row


def test_webhook_retries_a_failing_receiver_then_delivers(
    sqlite_store: Store, tmp_path: Path
) -> None:
    with http_receiver(fail_first=2) as receiver:
        settings = incident_settings(tmp_path)
        dispatcher, delivery_id = send(sqlite_store, settings, "webhook", receiver.url)
        assert wait_for(lambda: delivery(sqlite_store, delivery_id).status == "sent", timeout=5)
        dispatcher.close()
    row = delivery(sqlite_store, delivery_id)
    assert row.attempts == 3
    assert len(receiver.requests) == 1
    got = receiver.requests[0]
    assert verify("s3cret", got.body, got.headers["X-IOC-Signature"])


def test_webhook_receiver_down_ends_in_a_dead_letter(store: Store, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/hook"  # nobody listens
    settings = incident_settings(tmp_path)
    dispatcher, delivery_id = send(store, settings, "webhook", url)
    assert wait_for(lambda: delivery(store, delivery_id).status == "dead", timeout=10)
    dispatcher.close()
    row = delivery(store, delivery_id)
    assert row.attempts == 3 and "ConnectionError" in row.last_error
    with store.session() as session:
        dead = session.scalars(select(DeadLetter)).one()
    assert dead.source == "notify.webhook" and dead.topic == url
    assert json.loads(dead.payload)["incident_id"] == row.incident_id


def test_a_dispatcher_stopped_mid_retry_leaves_the_delivery_pending(
    sqlite_store: Store, tmp_path: Path
) -> None:
    """Closing the dispatcher during a back-off wait ends the wait at once; the row keeps
    its tries and error and stays pending for the next start, which sends it."""
    with http_receiver(fail_first=1) as receiver:
        settings = incident_settings(tmp_path, backoff_s=60)
        dispatcher, delivery_id = send(sqlite_store, settings, "webhook", receiver.url)
        assert wait_for(lambda: receiver.fail_first == 0, timeout=5)  # the first try failed
        started = time.monotonic()
        dispatcher.close()
        assert time.monotonic() - started < 10  # not the 60 s back-off
        row = delivery(sqlite_store, delivery_id)
        assert (row.status, row.attempts) == ("pending", 1)
        assert "503" in row.last_error
        assert receiver.requests == []
        again = Dispatcher(settings, sqlite_store)
        assert again.resume_pending() == 1
        assert wait_for(lambda: delivery(sqlite_store, delivery_id).status == "sent", timeout=5)
        again.close()
    assert len(receiver.requests) == 1


def test_email_reaches_a_local_smtp_server(sqlite_store: Store, tmp_path: Path) -> None:
    controller_mod = pytest.importorskip("aiosmtpd.controller")
    from aiosmtpd.handlers import Message

    received: list[Any] = []

    class Keep(Message):
        def handle_message(self, message: Any) -> None:
            received.append(message)

    port = free_port()
    controller = controller_mod.Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = incident_settings(
            tmp_path, channels=["email"], smtp_host="127.0.0.1", smtp_port=port
        )
        dispatcher, delivery_id = send(sqlite_store, settings, "email", "kiemlam@lamdong.gov.vn")
        assert wait_for(lambda: delivery(sqlite_store, delivery_id).status == "sent", timeout=10)
        dispatcher.close()
    finally:
        controller.stop()
    message = received[0]
    assert message["To"] == "kiemlam@lamdong.gov.vn"
    body = message.get_payload(decode=True).decode("utf-8")
    assert "Phát hiện khói" in body and "geo:11.900000,108.430000" in body
    assert "http://ioc.test/files/snapshots/CAM-A/a.jpg" in body


@pytest.fixture
def alert_listener(
    mosquitto: tuple[str, int],
) -> Iterator[tuple[mqtt.Client, list[mqtt.MQTTMessage]]]:
    messages: list[mqtt.MQTTMessage] = []
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2)
    client.on_message = lambda _c, _u, msg: messages.append(msg)
    client.connect(*mosquitto)
    client.loop_start()
    yield client, messages
    client.loop_stop()
    client.disconnect()


@pytest.mark.mosquitto
def test_mqtt_alert_on_the_unit_topic(
    sqlite_store: Store, tmp_path: Path, mosquitto: tuple[str, int], alert_listener: Any
) -> None:
    client, messages = alert_listener
    settings = incident_settings(tmp_path, mqtt=mosquitto, channels=["mqtt"])
    subscribed = threading.Event()
    client.on_subscribe = lambda *_a: subscribed.set()
    client.subscribe(f"{settings.mqtt.topic_prefix}/+/alert/+", qos=1)
    assert subscribed.wait(5)
    dispatcher, delivery_id = send(sqlite_store, settings, "mqtt", "")
    assert wait_for(lambda: len(messages) == 1, timeout=10)
    dispatcher.close()
    message = messages[0]
    incident_id = delivery(sqlite_store, delivery_id).incident_id
    assert message.topic == f"{settings.mqtt.topic_prefix}/U1/alert/{incident_id}"
    assert message.qos == 1
    assert json.loads(message.payload)["severity"] == "high"
