"""The embedded defaults: amqtt broker + simulator + ingest worker into SQLite."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import func, select

from ioc.auth.mqtt_identity import broker_plugins
from ioc.auth.user_roles import Role
from ioc.broker import BrokerStartError, EmbeddedBroker
from ioc.config import Settings
from ioc.ingest.worker import IngestWorker
from ioc.sim.province import Simulator
from ioc.store import Store
from ioc.store.cameras import CameraSpec, upsert_cameras
from ioc.store.models import Camera, Detection
from ioc.store.models_incidents import IncidentEvent
from ioc.timeutil import utcnow
from testkit.auth_support import PASSWORD, add_account
from testkit.helpers import free_port, wait_for
from tests.incidents_support import add_incident

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
        with sqlite_store.session() as session:  # the province marks what it makes up
            marks = set(session.scalars(select(Detection.simulated)))
        assert marks == {True}
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


def ack_body(n: int, incident_id: int) -> str:
    return json.dumps(
        {
            "v": 1,
            "msg_id": f"ack-{n}",
            "ts": utcnow().isoformat(),
            "incident": incident_id,
            "action": "acknowledge",
            "actor": "Giám đốc Sở (giả mạo)",
        }
    )


def mqtt_client(port: int, user: str | None = None, password: str = "") -> tuple[Any, bool]:
    """A client of the embedded broker and whether it was let in."""
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2)
    if user is not None:
        client.username_pw_set(user, password)
    answered, accepted = threading.Event(), list[bool]()

    def connected(*args: Any) -> None:
        accepted.append(not args[3].is_failure)
        answered.set()

    client.on_connect = connected
    client.connect("127.0.0.1", port)
    client.loop_start()
    assert answered.wait(10)
    return client, accepted[0]


def test_embedded_broker_takes_actions_only_from_signed_in_accounts(store: Store) -> None:
    """Anyone could publish an ack naming any actor, and it was applied (issue #17): the
    embedded broker now signs MQTT users in with their IOC account and lets an account act
    only under its own name; the actor is that account, the payload's name a label."""
    officer = add_account(store, Role.FIELD, "24778", username="hientruong.xuanhuong")
    incident_id = add_incident(store, utcnow() - timedelta(minutes=2), title="Khói")
    port = free_port()
    settings = Settings.model_validate(
        {"mqtt": {"port": port, "client_id": "ingest-ack"}, "ingest": {"max_latency_s": 0.1}}
    )
    url = store.engine.url.render_as_string(hide_password=False)
    broker = EmbeddedBroker("127.0.0.1", port, broker_plugins(url, settings.mqtt.topic_prefix))
    broker.start()
    worker, stop = IngestWorker(settings, store), threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    try:
        assert worker.transport.subscribed.wait(10)
        assert not mqtt_client(port, officer, "sai-mật-khẩu")[1]  # wrong password: refused
        anonymous, _ = mqtt_client(port)
        signed_in, accepted = mqtt_client(port, officer, PASSWORD)
        assert accepted
        anonymous.publish(f"ioc/v1/field/{officer}/ack", ack_body(1, incident_id), qos=1)
        signed_in.publish("ioc/v1/field/someone.else/ack", ack_body(2, incident_id), qos=1)
        signed_in.publish(f"ioc/v1/field/{officer}/ack", ack_body(3, incident_id), qos=1)
        assert wait_for(lambda: worker.stats.received >= 1, timeout=10)
        time.sleep(0.5)  # anything the broker let through would have arrived by now
        for client in (anonymous, signed_in):
            client.disconnect()
            client.loop_stop()
    finally:
        stop.set()
        thread.join(10)
        broker.stop()
    assert (worker.stats.received, worker.stats.rejected) == (1, {})
    with store.session() as session:
        events = session.scalars(
            select(IncidentEvent).where(IncidentEvent.action == "acknowledge")
        ).all()
        assert [(e.actor, e.client, e.detail) for e in events] == [
            (officer, f"mqtt:{officer}:ack-3", {"label": "Giám đốc Sở (giả mạo)"})
        ]


def test_mqtt_sign_ins_share_the_web_rate_limit(sqlite_store: Store) -> None:
    """Guessing an account's password over MQTT stops where the sign-in form's does."""
    officer = add_account(sqlite_store, Role.FIELD, "24778", username="hientruong.thu")
    port = free_port()
    url = sqlite_store.engine.url.render_as_string(hide_password=False)
    broker = EmbeddedBroker("127.0.0.1", port, broker_plugins(url, "ioc/v1"))
    broker.start()
    try:
        for _ in range(5):
            client, accepted = mqtt_client(port, officer, "đoán-mò")
            client.loop_stop()
            assert not accepted
        client, accepted = mqtt_client(port, officer, PASSWORD)
        client.loop_stop()
        assert not accepted  # blocked for the window, even with the right password
    finally:
        broker.stop()
