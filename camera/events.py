"""Events out: snapshot and frame strip on disk, v1 detection and heartbeat payloads on MQTT.

On a confirmed detection the worker writes, under ``<var_dir>/<snapshots_subdir>/<camera>/``,
a JPEG of the frame with the box drawn and a strip of the frames that show it growing (the
frames it was seen in, cropped around its box so a distant plume is visible) tiled into
one JPEG, then publishes a :class:`~ioc.mqtt.payloads.DetectionV1` payload (QoS 1) whose
``snapshot`` and ``clip`` are paths relative to ``var_dir``. The ingest worker stores it like
any device's message. Payloads are validated against the contract before they leave.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import paho.mqtt.client as mqtt

from camera.chain import ChainEvent
from camera.types import Box, Detection, Image
from ioc.config import MqttSettings
from ioc.mqtt.payloads import CameraHealth, DetectionV1, HeartbeatV1
from ioc.mqtt.topics import topic_for
from ioc.mqtt.transport import make_client
from ioc.store.cameras import snapshot_folder

log = logging.getLogger(__name__)

COLOURS = {"smoke": (200, 200, 200), "fire": (0, 80, 255)}


@dataclass(frozen=True)
class EventFiles:
    snapshot: str
    clip: str


def stamp(ts: datetime) -> str:
    """A sortable file-name time stamp with milliseconds (UTC)."""
    return ts.strftime("%Y%m%dT%H%M%S") + f"{ts.microsecond // 1000:03d}Z"


def draw_box(frame: Image, box: Box, label: str, kind: str) -> Image:
    """A copy of the frame with the box and its label drawn."""
    out = frame.copy()
    height, width = out.shape[:2]
    x, y = int(box[0] * width), int(box[1] * height)
    x2, y2 = int((box[0] + box[2]) * width), int((box[1] + box[3]) * height)
    colour = COLOURS.get(kind, (0, 255, 255))
    cv2.rectangle(out, (x, y), (max(x2, x + 1), max(y2, y + 1)), colour, 2)
    cv2.putText(out, label, (x, max(12, y - 4)), cv2.FONT_HERSHEY_SIMPLEX, 0.45, colour, 1)
    return out


def around(box: Box, least: float = 0.2, factor: float = 3.0) -> Box:
    """The part of the frame to show around a box: ``factor`` times its size, and at least
    ``least`` of the frame each way, so a plume of a few pixels is seen with its hillside."""
    w = min(1.0, max(box[2] * factor, least))
    h = min(1.0, max(box[3] * factor, least))
    cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
    x = min(max(cx - w / 2, 0.0), 1.0 - w)
    y = min(max(cy - h / 2, 0.0), 1.0 - h)
    return (x, y, w, h)


def crop(frame: Image, region: Box) -> Image:
    """The ``region`` (frame fractions) of a frame."""
    height, width = frame.shape[:2]
    x0, y0 = int(region[0] * width), int(region[1] * height)
    x1 = max(x0 + 1, int((region[0] + region[2]) * width))
    y1 = max(y0 + 1, int((region[1] + region[3]) * height))
    return np.asarray(frame[y0:y1, x0:x1], dtype=np.uint8)


def inside(box: Box, region: Box) -> Box:
    """``box`` in the coordinates of ``region`` (both frame fractions)."""
    return (
        (box[0] - region[0]) / region[2],
        (box[1] - region[1]) / region[3],
        box[2] / region[2],
        box[3] / region[3],
    )


def tile_strip(frames: tuple[Image, ...] | list[Image], height: int = 120) -> Image:
    """Frames side by side, each scaled to ``height`` pixels high."""
    tiles = []
    for frame in frames:
        h, w = frame.shape[:2]
        tiles.append(cv2.resize(frame, (max(1, round(w * height / h)), height)))
    return np.asarray(np.hstack(tiles), dtype=np.uint8)


def write_event_files(
    var_dir: Path,
    subdir: str,
    camera_id: str,
    event: ChainEvent,
    *,
    ts: datetime,
    quality: int = 85,
) -> EventFiles:
    """Write the snapshot and the strip JPEGs; return their paths relative to ``var_dir``."""
    folder = Path(subdir) / snapshot_folder(camera_id)
    (var_dir / folder).mkdir(parents=True, exist_ok=True)
    det = event.detection
    base = f"{stamp(ts)}-{det.kind}-{uuid.uuid4().hex[:6]}"
    snapshot, clip = folder / f"{base}.jpg", folder / f"{base}-strip.jpg"
    params = [cv2.IMWRITE_JPEG_QUALITY, quality]
    label = f"{det.kind} {det.score:.2f}"
    cv2.imwrite(str(var_dir / snapshot), draw_box(event.frame, det.box, label, det.kind), params)
    region = around(det.box)
    strip = [
        draw_box(crop(f, region), inside(det.box, region), "", det.kind)
        for f in (event.strip or (event.frame,))
    ]
    cv2.imwrite(str(var_dir / clip), tile_strip(strip, height=160), params)
    return EventFiles(snapshot.as_posix(), clip.as_posix())


def detection_payload(det: Detection, ts: datetime, files: EventFiles | None) -> dict[str, Any]:
    """A v1 detection payload, checked against the contract."""
    payload = DetectionV1(
        v=1,
        msg_id=f"det-{uuid.uuid4().hex}",
        ts=ts,
        kind=det.kind,
        score=min(max(det.score, 0.0), 1.0),
        bbox=tuple(round(min(max(v, 0.0), 1.0), 4) for v in det.box),
        snapshot=files.snapshot if files else None,
        clip=files.clip if files else None,
    )
    return payload.model_dump(mode="json", exclude_none=True)


def heartbeat_payload(ts: datetime, health: CameraHealth, fps: float | None) -> dict[str, Any]:
    """A v1 heartbeat payload, checked against the contract."""
    fps_value = round(min(max(fps, 0.0), 240.0), 2) if fps is not None else None
    payload = HeartbeatV1(v=1, msg_id=f"hb-{uuid.uuid4().hex}", ts=ts, health=health, fps=fps_value)
    return payload.model_dump(mode="json", exclude_none=True)


class MqttPublisher:
    """Publishes camera messages with QoS 1 through one paho client (reconnects itself)."""

    def __init__(self, settings: MqttSettings, client_id: str) -> None:
        self.settings = settings
        self.client = make_client(settings, client_id, persistent=False)
        self.connected = threading.Event()
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect

    def start(self) -> None:
        self.client.connect_async(self.settings.host, self.settings.port, self.settings.keepalive_s)
        self.client.loop_start()

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def publish(self, camera_id: str, message_type: str, payload: dict[str, Any]) -> None:
        """Queue one message; paho keeps QoS 1 messages until the broker acknowledges."""
        topic = topic_for(self.settings.topic_prefix, "camera", camera_id, message_type)
        info = self.client.publish(topic, json.dumps(payload), qos=1)
        if info.rc not in (mqtt.MQTT_ERR_SUCCESS, mqtt.MQTT_ERR_NO_CONN):
            log.warning("publish to %s failed: %s", topic, mqtt.error_string(info.rc))

    def _on_connect(self, _c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            log.error("broker refused the camera worker: %s", reason)
            return
        self.connected.set()

    def _on_disconnect(self, _c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        self.connected.clear()
        log.warning("camera worker disconnected from broker (%s)", reason)
