"""deploy/mosquitto as it ships (TLS, passwords, ACL) on a real Mosquitto of the test's own,
with certificates made the way docs/operations.md makes them: the IOC's own MQTT clients
connect over TLS with their settings, the camera workers publish for every camera, a device
only under its own id, anonymous clients are refused and the health user reads one $SYS
topic and nothing else."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from camera.events import MqttPublisher
from ioc.config import MqttSettings
from ioc.mqtt.transport import make_client
from testkit.helpers import free_port, wait_for
from tests.conftest import unavailable
from tests.mosquitto_production import (
    USERS,
    make_certificates,
    port_open,
    production_config,
    tools_missing,
    write_passwords,
)

pytestmark = pytest.mark.mosquitto


@dataclass
class Broker:
    tls_port: int
    local_port: int
    ca: Path
    process: subprocess.Popen[bytes]
    log: Path


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    tmp_path = tmp_path_factory.mktemp("mosquitto")
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    missing = tools_missing()
    if missing:
        unavailable(missing)
    ca = make_certificates(tmp_path / "certs")
    write_passwords(tmp_path / "passwd")
    tls_port, local_port = free_port(), free_port()
    conf = tmp_path / "mosquitto.conf"
    conf.write_text(production_config(tmp_path, tls_port, local_port), encoding="utf-8")
    log = tmp_path / "mosquitto.log"
    with log.open("wb") as out:
        process = subprocess.Popen([binary, "-c", str(conf)], stdout=out, stderr=out)
    listening = wait_for(lambda: port_open(tls_port) and port_open(local_port), 10)
    assert listening, log.read_text(errors="replace")
    yield Broker(tls_port, local_port, ca, process, log)
    process.terminate()
    process.wait(10)


def ioc_settings(broker: Broker, user: str) -> MqttSettings:
    """The IOC's MQTT settings for a TLS broker (IOC_MQTT__TLS, __CA_FILE, user, password)."""
    return MqttSettings(
        host="127.0.0.1",
        port=broker.tls_port,
        tls=True,
        ca_file=str(broker.ca),
        username=user,
        password=USERS[user],
        protocol="5",
    )


class Inbox:
    """A connected subscriber collecting messages; ``refused`` when the broker said no."""

    def __init__(self, client: mqtt.Client, host: str, port: int, topic: str) -> None:
        self.client = client
        self.messages: list[tuple[str, bytes]] = []
        self.ready, self.refused = threading.Event(), threading.Event()
        client.on_connect = self._connected
        client.on_subscribe = lambda *_: self.ready.set()
        client.on_message = lambda _c, _u, m: self.messages.append((m.topic, bytes(m.payload)))
        self.topic = topic
        client.connect(host, port)
        client.loop_start()

    def _connected(self, client: mqtt.Client, *args: object) -> None:
        reason = args[2]
        if getattr(reason, "is_failure", False):
            self.refused.set()
            return
        client.subscribe(self.topic, qos=1)

    def topics(self) -> list[str]:
        return [topic for topic, _ in self.messages]

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def plain_client(user: str | None, client_id: str) -> mqtt.Client:
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id=client_id)
    if user is not None:
        client.username_pw_set(user, USERS[user])
    return client


def heartbeat(n: int) -> str:
    return json.dumps({"v": 1, "msg_id": f"hb-{n}", "ts": "2026-11-25T07:00:00Z"})


def test_production_broker_tls_and_acl(broker: Broker) -> None:
    ingest = Inbox(
        make_client(ioc_settings(broker, "ioc-ingest"), "ioc-ingest-1", persistent=False),
        "127.0.0.1",
        broker.tls_port,
        "ioc/v1/#",
    )
    assert ingest.ready.wait(10), broker.log.read_text(errors="replace")
    cameras = MqttPublisher(ioc_settings(broker, "ioc-cameras"), "ioc-cameras-test")
    cameras.start()
    assert cameras.connected.wait(10)
    for camera in ("LD-DL-01", "LD-BL-07"):  # the camera workers publish for every camera
        cameras.publish(camera, "heartbeat", {"v": 1, "msg_id": f"w-{camera}"})
    expected = {"ioc/v1/camera/LD-DL-01/heartbeat", "ioc/v1/camera/LD-BL-07/heartbeat"}
    assert wait_for(lambda: set(ingest.topics()) >= expected, 10), ingest.topics()

    device_settings = ioc_settings(broker, "LD-DL-01").model_copy(update={"protocol": "3.1.1"})
    device = make_client(device_settings, "LD-DL-01", persistent=False)
    device.connect("127.0.0.1", broker.tls_port)
    device.loop_start()
    attempts = [
        "ioc/v1/camera/LD-BL-07/heartbeat",  # another camera's id: refused
        "ioc/v1/sensor/DL-AQ-09/reading",  # another station's id: refused
        "ioc/v1/incident/1/ack",  # not a device's topic: refused
        "ioc/v1/camera/LD-DL-01/heartbeat",  # its own id: let through
        "ioc/v1/sensor/LD-DL-01/reading",  # its own id as a station: let through
    ]
    for n, topic in enumerate(attempts):
        device.publish(topic, heartbeat(n), qos=1).wait_for_publish(5)
    assert wait_for(lambda: any(b'"hb-4"' in p for _, p in ingest.messages), 10)
    time.sleep(0.3)  # what the ACL let through would have arrived by now, in order
    from_device = [t for t, p in ingest.messages if b'"hb-' in p]
    assert from_device == attempts[3:], ingest.messages  # only under its own id
    device.disconnect()
    device.loop_stop()
    cameras.stop()
    ingest.close()


def test_anonymous_is_refused_and_health_reads_only_sys(broker: Broker) -> None:
    anonymous = plain_client(None, "anon")
    anonymous.tls_set(ca_certs=str(broker.ca))
    refused = Inbox(anonymous, "127.0.0.1", broker.tls_port, "ioc/v1/#")
    assert refused.refused.wait(10)  # allow_anonymous false, on TLS too
    refused.close()
    local = Inbox(plain_client(None, "anon-local"), "127.0.0.1", broker.local_port, "$SYS/#")
    assert local.refused.wait(10)  # and on the local health-check listener
    local.close()
    health = Inbox(
        plain_client("ioc-health", "health"), "127.0.0.1", broker.local_port, "$SYS/broker/uptime"
    )
    assert wait_for(lambda: bool(health.messages), 15), broker.log.read_text(errors="replace")
    health.close()
    nosy = Inbox(plain_client("ioc-health", "health-2"), "127.0.0.1", broker.local_port, "ioc/v1/#")
    assert nosy.ready.wait(10)
    publisher = MqttPublisher(ioc_settings(broker, "ioc-cameras"), "ioc-cameras-2")
    publisher.start()
    assert publisher.connected.wait(10)
    publisher.publish("LD-DL-01", "heartbeat", {"v": 1, "msg_id": "x"})
    time.sleep(1)
    assert nosy.messages == []  # the health user reads nothing of the IOC's traffic
    publisher.stop()
    nosy.close()


def field_ack(n: int, incident_id: int) -> str:
    return json.dumps(
        {
            "v": 1,
            "msg_id": f"ack-{n}",
            "ts": "2026-11-25T07:00:00Z",
            "incident": incident_id,
            "action": "acknowledge",
            "actor": "Giám đốc Sở (giả mạo)",
        }
    )


def test_an_officer_acts_only_under_its_own_name(broker: Broker) -> None:
    """Anyone who could publish acted under any name (issue #17): with the shipped ACL an
    officer's app publishes actions only on field/<its own user name>/ack."""
    ingest = Inbox(
        make_client(ioc_settings(broker, "ioc-ingest"), "ioc-ingest-ack", persistent=False),
        "127.0.0.1",
        broker.tls_port,
        "ioc/v1/#",
    )
    assert ingest.ready.wait(10), broker.log.read_text(errors="replace")
    settings = ioc_settings(broker, "hientruong.baoloc").model_copy(update={"protocol": "3.1.1"})
    officer = make_client(settings, "field-baoloc", persistent=False)
    officer.connect("127.0.0.1", broker.tls_port)
    officer.loop_start()
    attempts = [
        "ioc/v1/field/hientruong.dalat/ack",  # another officer's name: refused
        "ioc/v1/incident/7/ack",  # the first, payload-only form: refused
        "ioc/v1/field/hientruong.baoloc/ack",  # its own name: let through
    ]
    for n, topic in enumerate(attempts):
        officer.publish(topic, field_ack(n, 7), qos=1).wait_for_publish(5)
    assert wait_for(lambda: any(b'"ack-2"' in p for _, p in ingest.messages), 10)
    time.sleep(0.3)
    assert [t for t, p in ingest.messages if b'"ack-' in p] == attempts[2:]
    officer.disconnect()
    officer.loop_stop()
    ingest.close()
