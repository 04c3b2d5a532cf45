"""Batched, idempotent writes of parsed records into the store.

One batch is one transaction: detections are inserted with ON CONFLICT DO NOTHING on their
message id (a redelivered message never becomes two rows), camera live state moves only
forward in time, and rejects land in the dead-letter table with their reason and bytes.
A batch that the database refuses for a data reason is retried record by record, so one
poisoned record cannot take good ones down with it.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from ioc.ingest.messages import CameraDetection, CameraHeartbeat, InboundMessage, Record, Rejected
from ioc.store import Store
from ioc.store.models import Camera, DeadLetter, Detection
from ioc.store.types import UtcDateTime

log = logging.getLogger(__name__)
DETECTIONS = Detection.__table__

Item = tuple[InboundMessage, Record]
Reject = tuple[InboundMessage, Rejected]


@dataclass
class WriteResult:
    """What one batch did to the store."""

    stored: int = 0
    duplicates: int = 0
    rejected: Counter[str] = field(default_factory=Counter)

    def add(self, other: WriteResult) -> None:
        self.stored += other.stored
        self.duplicates += other.duplicates
        self.rejected.update(other.rejected)


@dataclass
class CameraUpdate:
    """The newest facts a batch holds about one camera."""

    heartbeat_at: datetime | None = None
    health: str | None = None
    detection_at: datetime | None = None

    def see(self, record: Record) -> None:
        if isinstance(record, CameraHeartbeat):
            if self.heartbeat_at is None or record.observed_at > self.heartbeat_at:
                self.heartbeat_at, self.health = record.observed_at, record.health
        elif self.detection_at is None or record.observed_at > self.detection_at:
            self.detection_at = record.observed_at


def _newer(column: Any, param: str) -> Any:
    value = bindparam(param, type_=UtcDateTime())
    return case(
        (value.is_(None), column),
        (column.is_(None), value),
        (column < value, value),
        else_=column,
    )


CAMERA_UPDATE = (
    update(Camera)
    .where(Camera.id == bindparam("camera_id"))
    .values(
        last_heartbeat_at=_newer(Camera.last_heartbeat_at, "hb"),
        health=case(
            (
                (bindparam("hb", type_=UtcDateTime()).is_not(None))
                & (
                    Camera.last_heartbeat_at.is_(None)
                    | (Camera.last_heartbeat_at <= bindparam("hb", type_=UtcDateTime()))
                ),
                bindparam("health"),
            ),
            else_=Camera.health,
        ),
        last_detection_at=_newer(Camera.last_detection_at, "det"),
        updated_at=bindparam("now", type_=UtcDateTime()),
    )
    .execution_options(synchronize_session=False)
)


class BatchWriter:
    """Writes parsed batches; knows which cameras exist, refreshing on a miss."""

    def __init__(self, store: Store, keep_bytes: int = 8192) -> None:
        self.store = store
        self.keep_bytes = keep_bytes
        self._cameras: set[str] = set()

    def write(self, items: Sequence[Item], rejects: Sequence[Reject], now: datetime) -> WriteResult:
        """Store one batch in one transaction; raises OperationalError if the DB is away."""
        items, unknown = self._split_unknown(items)
        rejects = [*rejects, *unknown]
        try:
            with self.store.session() as session:
                return self._write(session, items, rejects, now)
        except OperationalError:
            raise
        except DBAPIError as exc:
            log.warning("batch refused by the database (%s); retrying one by one", exc.orig)
            return self._write_one_by_one(items, rejects, now)

    def _split_unknown(self, items: Sequence[Item]) -> tuple[list[Item], list[Reject]]:
        ids = {record.camera_id for _, record in items}
        if not ids <= self._cameras:
            with self.store.session() as session:
                self._cameras = set(session.scalars(select(Camera.id)).all())
        known = [(m, r) for m, r in items if r.camera_id in self._cameras]
        unknown = [
            (m, Rejected("unknown_camera", f"camera {r.camera_id!r} is not registered"))
            for m, r in items
            if r.camera_id not in self._cameras
        ]
        return known, unknown

    def _write(
        self, session: Session, items: Sequence[Item], rejects: Sequence[Reject], now: datetime
    ) -> WriteResult:
        result = WriteResult()
        detections = [r for _, r in items if isinstance(r, CameraDetection)]
        inserted = self._insert_detections(session, detections, now)
        result.duplicates = len(detections) - inserted
        result.stored = len(items) - result.duplicates
        self._update_cameras(session, [r for _, r in items], now)
        self._dead_letters(session, rejects, now)
        result.rejected.update(reason.reason for _, reason in rejects)
        return result

    def _insert_detections(
        self, session: Session, detections: Sequence[CameraDetection], now: datetime
    ) -> int:
        if not detections:
            return 0
        dialect = postgresql if self.store.is_postgis else sqlite
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
            }
            for d in detections
        ]
        statement = (
            dialect.insert(DETECTIONS)
            .on_conflict_do_nothing(index_elements=["msg_id"])
            .returning(DETECTIONS.c.msg_id)
        )
        return len(session.connection().execute(statement, rows).all())

    def _update_cameras(self, session: Session, records: Sequence[Record], now: datetime) -> None:
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
                "now": now,
            }
            for cid, u in updates.items()
        ]
        session.connection().execute(CAMERA_UPDATE, params)

    def _dead_letters(self, session: Session, rejects: Sequence[Reject], now: datetime) -> None:
        for message, reason in rejects:
            session.add(
                DeadLetter(
                    source="mqtt",
                    topic=message.topic[:1000],
                    reason=str(reason)[:2000],
                    payload=message.payload[: self.keep_bytes],
                    payload_size=len(message.payload),
                    received_at=message.received_at,
                )
            )
        if rejects:
            log.info("dead-lettered %d message(s): %s", len(rejects), rejects[0][1])

    def _write_one_by_one(
        self, items: Sequence[Item], rejects: Sequence[Reject], now: datetime
    ) -> WriteResult:
        total = WriteResult()
        refused: list[Reject] = list(rejects)
        for item in items:
            try:
                with self.store.session() as session:
                    total.add(self._write(session, [item], [], now))
            except OperationalError:
                raise
            except DBAPIError as exc:
                refused.append((item[0], Rejected("store_refused", str(exc.orig)[:300])))
        with self.store.session() as session:
            self._dead_letters(session, refused, now)
        total.rejected.update(reason.reason for _, reason in refused)
        return total
