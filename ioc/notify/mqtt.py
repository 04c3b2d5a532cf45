"""MQTT channel: ``<prefix>/<unit code>/alert/<incident id>`` at QoS 1 for field apps.

The target of an MQTT subscription is the unit code whose topic gets the alert (empty:
the incident's own unit). The client connects once and paho reconnects on its own; a
publish not acknowledged by the broker within the timeout is a failed delivery.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from typing import Any

from ioc.config import Settings
from ioc.mqtt.topics import SOURCE_ID
from ioc.mqtt.transport import make_client
from ioc.notify.base import Alert, DeliveryError

PUBLISH_TIMEOUT_S = 5.0


def alert_topic(prefix: str, unit_code: str, incident_id: int) -> str:
    """The topic field apps of a unit subscribe to (``<prefix>/<unit>/alert/+``)."""
    return f"{prefix}/{unit_code}/alert/{incident_id}"


class MqttNotifier:
    """Publishes alerts with QoS 1 and waits for the broker's PUBACK."""

    name = "mqtt"

    def __init__(self, settings: Settings) -> None:
        self.mqtt = settings.mqtt
        client_id = f"ioc-notify-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.client = make_client(settings.mqtt, client_id, persistent=False)
        self.connected = threading.Event()
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = lambda *_a: self.connected.clear()
        self.client.connect_async(self.mqtt.host, self.mqtt.port, keepalive=self.mqtt.keepalive_s)
        self.client.loop_start()

    def _on_connect(self, _c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if not reason.is_failure:
            self.connected.set()

    def send(self, alert: Alert, target: str) -> None:
        unit = target or alert.unit_code or "province"
        if not SOURCE_ID.match(unit):
            raise DeliveryError(f"bad unit code for a topic: {unit!r}")
        if not self.connected.wait(PUBLISH_TIMEOUT_S):
            raise DeliveryError(f"not connected to {self.mqtt.host}:{self.mqtt.port}")
        body = json.dumps(alert.payload(), ensure_ascii=False).encode("utf-8")
        info = self.client.publish(
            alert_topic(self.mqtt.topic_prefix, unit, alert.incident_id), body, qos=1
        )
        try:
            info.wait_for_publish(PUBLISH_TIMEOUT_S)
        except (RuntimeError, ValueError) as exc:
            raise DeliveryError(f"publish failed: {exc}") from exc
        if not info.is_published():
            raise DeliveryError("broker did not acknowledge the alert in time")

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
