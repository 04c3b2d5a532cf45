"""Shared pieces of the incident tests: real local receivers (HTTP, SMTP), cameras with view
cones, stored detections and settings with a unique MQTT prefix."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import shapely

from ioc.config import Settings
from ioc.store import Store
from ioc.store.cameras import CameraSpec, upsert_cameras
from ioc.store.models import Detection, Incident

T0 = datetime(2026, 3, 10, 6, 0, tzinfo=UTC)  # 13:00 in Đà Lạt, dry season


@dataclass
class Received:
    body: bytes
    headers: dict[str, str]
    at: float


@dataclass
class HttpReceiver:
    """A real HTTP server on a free port recording POSTs; ``fail_first`` answers 503 first."""

    fail_first: int = 0
    requests: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_port}/hook"

    def json_bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.body) for r in self.requests]


@contextmanager
def http_receiver(fail_first: int = 0) -> Iterator[HttpReceiver]:
    import time

    receiver = HttpReceiver(fail_first=fail_first)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if receiver.fail_first > 0:
                receiver.fail_first -= 1
                self.send_response(503)
            else:
                receiver.requests.append(Received(body, dict(self.headers), time.monotonic()))
                self.send_response(204)
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            return None

    receiver.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=receiver.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()


def incident_settings(
    tmp_path: Path, mqtt: tuple[str, int] | None = None, **incidents: Any
) -> Settings:
    """Settings for a test: its own var dir, a unique MQTT prefix, fast retries."""
    host, port = mqtt or ("127.0.0.1", 1)
    values: dict[str, Any] = {
        "channels": ["webhook"],
        "retries": 3,
        "backoff_s": 0.05,
        "webhook_secret": "s3cret",
        "webhook_timeout_s": 2,
        "subscriptions_file": "",
        "public_url": "http://ioc.test",
    }
    values.update(incidents)
    return Settings.model_validate(
        {
            "var_dir": str(tmp_path),
            "mqtt": {
                "host": host,
                "port": port,
                "topic_prefix": f"ioc-test-{uuid.uuid4().hex[:8]}/v1",
            },
            "incidents": values,
        }
    )


def add_watch_cameras(store: Store) -> None:
    """Three cameras near Đà Lạt: A and B look at the same hillside, C looks away."""
    specs = [
        CameraSpec("CAM-A", "Đồi A", 108.40, 11.90, unit_code="U1", direction_deg=90, fov_deg=60),
        CameraSpec("CAM-B", "Đồi B", 108.44, 11.94, unit_code="U1", direction_deg=180, fov_deg=60),
        CameraSpec("CAM-C", "Đồi C", 108.60, 11.90, unit_code="U2", direction_deg=90, fov_deg=60),
    ]
    with store.session() as session:
        upsert_cameras(session, specs)


def add_detection(
    store: Store,
    camera_id: str,
    at: datetime,
    *,
    bbox: list[float] | None = None,
    kind: str = "smoke",
    snapshot: str | None = None,
    simulated: bool = False,
) -> int:
    with store.session() as session:
        row = Detection(
            simulated=simulated,
            msg_id=uuid.uuid4().hex,
            camera_id=camera_id,
            kind=kind,
            score=0.9,
            bbox=bbox if bbox is not None else [0.4, 0.3, 0.1, 0.1],
            snapshot=snapshot,
            observed_at=at,
            received_at=at,
        )
        session.add(row)
        session.flush()
        return row.id


def add_incident(store: Store, opened_at: datetime, **fields: Any) -> int:
    """Store one open smoke incident near Đà Lạt (fields override); returns its id."""
    values: dict[str, Any] = {
        "kind": "smoke",
        "severity": "high",
        "status": "new",
        "title": "Phát hiện khói",
        "unit_code": "24778",
        "lon": 108.43,
        "lat": 11.9,
        "opened_at": opened_at,
        "updated_at": opened_at,
        "member_count": 1,
        "escalation_level": 0,
        **fields,
    }
    values["geom"] = shapely.Point(values["lon"], values["lat"])
    with store.session() as session:
        row = Incident(**values)
        session.add(row)
        session.flush()
        return int(row.id)
