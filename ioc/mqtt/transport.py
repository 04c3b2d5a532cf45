"""MQTT transport (paho-mqtt): connect, subscribe, reconnect, acknowledge. No parsing here.

Each message becomes a frozen :class:`InboundMessage` handed to a sink. Acknowledgements
are manual: the worker acks a QoS 1 message only after its batch is committed, so a crash
before the commit makes the broker deliver it again (at-least-once in).
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable, Sequence
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from ioc.config import MqttSettings
from ioc.mqtt.inbound import InboundMessage
from ioc.timeutil import utcnow

log = logging.getLogger(__name__)

Sink = Callable[[InboundMessage], None]


def make_client(settings: MqttSettings, client_id: str, persistent: bool) -> mqtt.Client:
    """A paho client configured from settings (credentials, TLS, protocol)."""
    v5 = settings.protocol == "5"
    client = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311,
        clean_session=None if v5 else not persistent,
        manual_ack=persistent,
    )
    if settings.username:
        client.username_pw_set(settings.username, settings.password or None)
    if settings.tls:
        client.tls_set(ca_certs=settings.ca_file or None, cert_reqs=ssl.CERT_REQUIRED)
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    return client


def connect_properties(settings: MqttSettings) -> Properties | None:
    """MQTT v5 CONNECT properties: keep the session while the worker is away."""
    if settings.protocol != "5":
        return None
    props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
    props.SessionExpiryInterval = settings.session_expiry_s
    props.ReceiveMaximum = settings.receive_maximum
    return props


class MqttTransport:
    """Subscribes to topic filters and feeds every message to the sink."""

    def __init__(self, settings: MqttSettings, topics: Sequence[str], sink: Sink) -> None:
        self.settings = settings
        self.topics = [self._shared(t) for t in topics]
        self.sink = sink
        self.connected = threading.Event()
        # Set once the broker has granted the subscriptions of the current connection (SUBACK):
        # a message published before that is not routed to this client.
        self.subscribed = threading.Event()
        self.session = 0
        # Reconnections on which the broker had not kept the session (CONNACK session-present
        # false): whatever was published while this worker was away is lost (/metrics).
        self.sessions_lost = 0
        self.client = make_client(settings, settings.client_id, persistent=True)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message

    def _shared(self, topic: str) -> str:
        group = self.settings.shared_group
        return f"$share/{group}/{topic}" if group and self.settings.protocol == "5" else topic

    def start(self) -> None:
        """Connect in the background; paho reconnects on its own after a loss."""
        self.client.connect_async(
            self.settings.host,
            self.settings.port,
            keepalive=self.settings.keepalive_s,
            clean_start=False
            if self.settings.protocol == "5"
            else mqtt.MQTT_CLEAN_START_FIRST_ONLY,
            properties=connect_properties(self.settings),
        )
        self.client.loop_start()

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def ack(self, message: InboundMessage) -> None:
        """Tell the broker a QoS 1 message is safely stored.

        A message that came on an earlier connection is not acked: its packet id may now
        name another message, and the broker redelivers it anyway (stored once by msg_id).
        """
        if message.qos > 0 and message.session == self.session and self.connected.is_set():
            self.client.ack(message.mid, message.qos)

    def _on_connect(
        self, client: mqtt.Client, _u: Any, flags: mqtt.ConnectFlags, reason: Any, _p: Any
    ) -> None:
        if reason.is_failure:
            log.error(
                "broker %s:%s refused the connection: %s",
                self.settings.host,
                self.settings.port,
                reason,
            )
            return
        self.session += 1
        if not flags.session_present:
            self._session_not_kept(first=self.session == 1)
        # Subscribed again even when the session was kept: harmless for a plain subscription,
        # and Mosquitto 2.0.11 does not route to a shared subscription restored from its
        # persistence file until it is made again (docs/mqtt.md, "Broker restarts").
        client.subscribe([(topic, int(self.settings.qos)) for topic in self.topics])
        log.info(
            "connected to %s:%s (session %s), subscribed to %s",
            self.settings.host,
            self.settings.port,
            "resumed" if flags.session_present else "new",
            ", ".join(self.topics),
        )
        self.connected.set()

    def _session_not_kept(self, first: bool) -> None:
        """Say loudly that the broker kept no session: messages sent meanwhile are lost."""
        if first:
            log.warning(
                "broker %s:%s had no session for client id %r: if this worker ran before, "
                "messages published since it stopped were not kept for it (first start, or "
                "the session expired after mqtt.session_expiry_s=%ds)",
                self.settings.host,
                self.settings.port,
                self.settings.client_id,
                self.settings.session_expiry_s,
            )
            return
        self.sessions_lost += 1
        log.error(
            "broker %s:%s did not keep the session of %r across the reconnection: messages "
            "published while disconnected may be lost (broker restarted without persistence, "
            "or its session expired); %d time(s) so far",
            self.settings.host,
            self.settings.port,
            self.settings.client_id,
            self.sessions_lost,
        )

    def _on_subscribe(self, _c: Any, _u: Any, _mid: int, reasons: Any, _p: Any) -> None:
        refused = [str(r) for r in reasons if r.is_failure]
        if refused:
            log.error("broker refused subscription to %s: %s", ", ".join(self.topics), refused)
            return
        self.subscribed.set()

    def _on_disconnect(self, _c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        self.connected.clear()
        self.subscribed.clear()
        log.warning("disconnected from broker (%s); reconnecting", reason)

    def _on_message(self, _c: Any, _u: Any, msg: mqtt.MQTTMessage) -> None:
        self.sink(
            InboundMessage(
                topic=msg.topic,
                payload=bytes(msg.payload),
                received_at=utcnow(),
                qos=msg.qos,
                mid=msg.mid,
                retain=bool(msg.retain),
                session=self.session,
            )
        )
