"""Alert benchmark: from a detection entering a real Mosquitto to the webhook arriving.

The bench registers N cameras (no view cone, so every detection is its own incident),
starts a Mosquitto, the real ingest worker (``ioc ingest``) and the incidents worker
(``ioc incidents run``) as subprocesses, and a local HTTP receiver. It publishes one
smoke detection per camera at ``--rate`` per second and times each from the publish call
to the webhook request's arrival. The last line printed is one JSON object.

    python bench/alert.py --incidents 1000
    python bench/alert.py --incidents 200 --rate 50 --database-url postgresql+psycopg://...
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ingest import ensure_database, percentile  # noqa: E402
from camera.events import EventFiles, detection_payload  # noqa: E402
from camera.types import Detection  # noqa: E402
from ioc.notify.subscriptions import SubscriptionSpec, add_subscription  # noqa: E402
from ioc.store import open_store  # noqa: E402
from ioc.store.cameras import CameraSpec, upsert_cameras  # noqa: E402
from ioc.store.migrate import upgrade  # noqa: E402
from testkit.mosquitto_proc import MosquittoProcess  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=1000, help="detections = incidents")
    parser.add_argument("--rate", type=float, default=20, help="detections published per second")
    parser.add_argument("--database-url", default="", help="store (default: a temporary SQLite)")
    parser.add_argument("--timeout", type=float, default=20, help="wait this long for stragglers")
    return parser.parse_args()


class Arrivals:
    """The local webhook receiver: arrival time of each camera's alert."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self.lock = threading.Lock()
        arrivals = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                now = time.time()
                camera = json.loads(body).get("camera_id") or "?"
                with arrivals.lock:
                    arrivals.times.setdefault(camera, now)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hook"


def prepare(url: str, cameras: list[str], hook: str) -> None:
    ensure_database(url)
    store = open_store(url)
    upgrade(store)
    specs = [
        CameraSpec(c, f"Bench {c}", 108.3 + (i % 100) * 0.002, 11.8 + (i // 100) * 0.002, "BENCH")
        for i, c in enumerate(cameras)
    ]
    with store.session() as session:
        upsert_cameras(session, specs)
        add_subscription(session, SubscriptionSpec("webhook", target=hook, name="bench"))
    store.dispose()


def start(role: list[str], url: str, port: int, prefix: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "IOC_DATABASE__URL": url,
        "IOC_MQTT__PORT": str(port),
        "IOC_MQTT__PROTOCOL": "5",
        "IOC_MQTT__TOPIC_PREFIX": prefix,
        "IOC_MQTT__CLIENT_ID": f"bench-{uuid.uuid4().hex[:6]}",
        "IOC_INCIDENTS__CHANNELS": '["webhook"]',
        "IOC_INCIDENTS__SUBSCRIPTIONS_FILE": "",
        "IOC_INCIDENTS__WEBHOOK_SECRET": "bench",
        "IOC_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen([sys.executable, "-m", "ioc.cli", *role], env=env, cwd=ROOT)


def detection(camera: str) -> bytes:
    """A smoke detection built by the camera worker's own payload function."""
    seen = Detection("smoke", 0.9, (0.4, 0.3, 0.1, 0.1))
    files = EventFiles(f"snapshots/{camera}/bench.jpg", f"snapshots/{camera}/bench-strip.jpg")
    return json.dumps(detection_payload(seen, datetime.now(UTC), files)).encode()


def publisher(port: int) -> mqtt.Client:
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2)
    client.connect("127.0.0.1", port)
    client.loop_start()
    return client


def wait_ready(client: mqtt.Client, prefix: str, arrivals: Arrivals, timeout: float = 60) -> None:
    """Publish probe detections until one comes back as a webhook: the chain is up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        client.publish(f"{prefix}/camera/PROBE/detection", detection("PROBE"), qos=1)
        time.sleep(1.0)
        if "PROBE" in arrivals.times:
            return
    raise SystemExit("no alert came back within a minute: is the chain running?")


def run(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    cameras = [f"B{i:05d}" for i in range(args.incidents)]
    arrivals = Arrivals()
    prepare(url, [*cameras, "PROBE"], arrivals.url)
    broker = MosquittoProcess(tmp)
    broker.start()
    prefix = f"bench-{uuid.uuid4().hex[:6]}/v1"
    workers = [
        start(["ingest"], url, broker.port, prefix),
        start(["incidents", "run"], url, broker.port, prefix),
    ]
    client = publisher(broker.port)
    try:
        wait_ready(client, prefix, arrivals)
        sent: dict[str, float] = {}
        started = time.monotonic()
        for i, camera in enumerate(cameras):
            delay = started + i / args.rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            sent[camera] = time.time()
            client.publish(f"{prefix}/camera/{camera}/detection", detection(camera), qos=1)
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline and len(set(arrivals.times) & set(sent)) < len(sent):
            time.sleep(0.2)
    finally:
        client.loop_stop()
        for worker in workers:
            worker.terminate()
            worker.wait(20)
        broker.stop()
    lags = sorted(arrivals.times[c] - t for c, t in sent.items() if c in arrivals.times)
    return {
        "bench": "alert",
        "incidents": args.incidents,
        "p50_s": round(percentile(lags, 0.50), 3) if lags else None,
        "p95_s": round(percentile(lags, 0.95), 3) if lags else None,
        "lost": len(sent) - len(lags),
    }


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = run(args, Path(tmp))
    print(json.dumps(result))
    return 0 if result["lost"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
