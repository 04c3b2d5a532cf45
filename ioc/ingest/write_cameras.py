"""Camera records into the store: detections (idempotent on msg_id and time) and live camera
state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ioc.ingest.messages import CameraDetection, CameraHeartbeat, CameraRecord
from ioc.store.models import MESSAGE_KEY, Camera, Detection
from ioc.store.types import UtcDateTime

DETECTIONS = Detection.__table__


@dataclass
class CameraUpdate:
    """The newest facts a batch holds about one camera."""

    heartbeat_at: datetime | None = None
    health: str | None = None
    detection_at: datetime | None = None
    detection_simulated: bool = False

    def see(self, record: CameraRecord) -> None:
        if isinstance(record, CameraHeartbeat):
            if self.heartbeat_at is None or record.observed_at > self.heartbeat_at:
                self.heartbeat_at, self.health = record.observed_at, record.health
        elif self.detection_at is None or record.observed_at > self.detection_at:
            self.detection_at, self.detection_simulated = record.observed_at, record.simulated


def _utc(name: str) -> Any:
    return bindparam(name, type_=UtcDateTime())


def _newer(column: Any, param: str) -> Any:
    value = _utc(param)
    return case(
        (value.is_(None), column),
        (column.is_(None), value),
        (column < value, value),
        else_=column,
    )


HEARTBEAT_IS_NEWEST = _utc("hb").is_not(None) & (
    Camera.last_heartbeat_at.is_(None) | (Camera.last_heartbeat_at <= _utc("hb"))
)
DETECTION_IS_NEWEST = _utc("det").is_not(None) & (
    Camera.last_detection_at.is_(None) | (Camera.last_detection_at <= _utc("det"))
)

CAMERA_UPDATE = (
    update(Camera)
    .where(Camera.id == bindparam("camera_id"))
    .values(
        last_heartbeat_at=_newer(Camera.last_heartbeat_at, "hb"),
        health=case((HEARTBEAT_IS_NEWEST, bindparam("health")), else_=Camera.health),
        last_detection_at=_newer(Camera.last_detection_at, "det"),
        last_detection_simulated=case(
            (DETECTION_IS_NEWEST, bindparam("det_sim")), else_=Camera.last_detection_simulated
        ),
        updated_at=_utc("now"),
    )
    .execution_options(synchronize_session=False)
)


def insert_detections(
    session: Session, detections: Sequence[CameraDetection], now: datetime, postgis: bool
) -> int:
    """Insert detections, skipping messages already stored; returns how many were new."""
    if not detections:
        return 0
    rows = [
        {
            "msg_id": d.msg_id,
            "camera_id": d.camera_id,
            "kind": d.kind,
            "score": d.score,
            "bbox": list(d.bbox) if d.bbox else None,
            "snapshot": d.snapshot,
            "clip": d.clip,
            "observed_at": d.observed_at,
            "received_at": now,
            "simulated": d.simulated,
        }
        for d in detections
    ]
    dialect = postgresql if postgis else sqlite
    statement = (
        dialect.insert(DETECTIONS)
        .on_conflict_do_nothing(index_elements=list(MESSAGE_KEY))
        .returning(DETECTIONS.c.msg_id)
    )
    return len(session.connection().execute(statement, rows).all())


def update_cameras(session: Session, records: Sequence[CameraRecord], now: datetime) -> None:
    """Move each camera's heartbeat, health and last detection forward (never back)."""
    updates: dict[str, CameraUpdate] = {}
    for record in records:
        updates.setdefault(record.camera_id, CameraUpdate()).see(record)
    if not updates:
        return
    params = [
        {
            "camera_id": cid,
            "hb": u.heartbeat_at,
            "health": u.health,
            "det": u.detection_at,
            "det_sim": u.detection_simulated,
            "now": now,
        }
        for cid, u in updates.items()
    ]
    session.connection().execute(CAMERA_UPDATE, params)
