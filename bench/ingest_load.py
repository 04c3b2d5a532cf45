"""What the ingest bench sends: sensor messages through ``mosquitto_pub -l`` or paho.

:func:`publish` pipes JSON lines into Mosquitto's own C client (a Python paho publisher
tops out near 6,000 QoS 1 messages/s here, below what the worker takes).
:func:`publish_resilient` is a paho publisher on a persistent session that rides out a
broker restart (``mosquitto_pub`` gives up when its connection drops, and whatever it had
queued would count as lost by the ingest): it resends what was not acknowledged.
"""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

STATION = "DL-AQ-01"


@dataclass(frozen=True)
class Plan:
    """What the publisher sends: messages of ``batch`` readings at ``rate`` msg/s (0 = max)."""

    messages: int
    batch: int
    rate: float
    tag: str = "m"  # msg_id prefix: each run counts only its own


def topic(prefix: str) -> str:
    return f"{prefix}/sensor/{STATION}/reading"


def body(plan: Plan, i: int) -> bytes:
    """Message ``i`` of the plan; ``ts`` is stamped as it is made (latency starts here)."""
    values = [{"q": "pm25_ugm3", "value": float((i + j) % 50)} for j in range(plan.batch)]
    message = {
        "v": 1,
        "msg_id": f"{plan.tag}{i}",
        "ts": datetime.now(UTC).isoformat(),
        "lon": 108.447,
        "lat": 11.938,
        "readings": values,
    }
    return json.dumps(message).encode()


def pace(plan: Plan, started: float, i: int) -> float:
    """Seconds to wait before message ``i`` at the plan's rate (0 when flat out)."""
    return max(0.0, started + i / plan.rate - time.monotonic()) if plan.rate > 0 else 0.0


def publish(port: int, prefix: str, plan: Plan, done: Any) -> None:
    """Publisher process: JSON lines piped into ``mosquitto_pub -l`` (QoS 1, MQTT v5).

    Its stdin stays open until ``done`` is set (the bench has seen every row):
    mosquitto_pub 2.0 drops what it still has queued when stdin closes.
    """
    command = ["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-V", "5", "-q", "1"]
    command += ["-M", "1000", "-l", "-t", topic(prefix)]
    pub = subprocess.Popen(command, stdin=subprocess.PIPE)
    assert pub.stdin is not None
    started = time.monotonic()
    for i in range(plan.messages):
        delay = pace(plan, started, i)
        if delay > 0:
            pub.stdin.flush()
            time.sleep(delay)
        pub.stdin.write(body(plan, i) + b"\n")
    pub.stdin.flush()
    done.wait()
    pub.stdin.close()
    pub.wait(300)


def publish_resilient(port: int, prefix: str, plan: Plan, done: Any) -> None:
    """Publisher process on a persistent paho session: survives a broker restart.

    paho keeps every QoS 1 message until its PUBACK and sends the unacknowledged ones
    again after it reconnects; messages published while the broker is down wait in it.
    """
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    client = mqtt.Client(
        CallbackAPIVersion.VERSION2,
        client_id=f"bench-pub-{uuid.uuid4().hex[:6]}",
        clean_session=False,
    )
    client.max_inflight_messages_set(1000)
    client.reconnect_delay_set(min_delay=1, max_delay=2)
    acked: set[int] = set()
    client.on_publish = lambda _client, _data, mid, _rc, _props: acked.add(mid)
    client.connect("127.0.0.1", port)
    client.loop_start()
    started = time.monotonic()
    mids = set()
    for i in range(plan.messages):
        delay = pace(plan, started, i)
        if delay > 0:
            time.sleep(delay)
        mids.add(client.publish(topic(prefix), body(plan, i), qos=1).mid)
    # PUBACKs counted in on_publish, not info.wait_for_publish() / is_published(): those
    # raise "not currently connected" for a message published while the broker restarts,
    # though paho keeps it and sends it again on reconnecting.
    deadline = time.monotonic() + 300
    while not mids <= acked and time.monotonic() < deadline:
        time.sleep(0.02)
    done.wait()
    client.disconnect()
    client.loop_stop()


def publish_json(port: int, to: str, message: dict[str, Any]) -> None:
    """One QoS 1 MQTT v5 message through Mosquitto's own client."""
    command = ["mosquitto_pub", "-p", str(port), "-q", "1", "-V", "5", "-t", to]
    subprocess.run([*command, "-m", json.dumps(message)], check=True)


def publish_once(port: int, prefix: str, msg_id: str) -> None:
    """One sensor message with id ``msg_id`` (a probe)."""
    probe = Plan(1, 1, 0, tag=msg_id)
    publish_json(port, topic(prefix), json.loads(body(probe, 0)))
