"""Batched, idempotent writes of parsed records into the store.

One batch is one transaction: camera detections and sensor readings are inserted keyed on
their message ids (a redelivered message never becomes two rows), camera live state moves
only forward in time, and rejects land in the dead-letter table with their reason and
bytes. A batch that the database refuses for a data reason is retried record by record, so
one poisoned record cannot take good ones down with it.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from ioc.ingest.messages import (
    CameraDetection,
    CameraHeartbeat,
    CitizenReportEvent,
    DossierEvent,
    IncidentAck,
    Record,
    Rejected,
    SensorReadings,
)
from ioc.ingest.write_acks import apply_acks
from ioc.ingest.write_cameras import insert_detections, update_cameras
from ioc.ingest.write_ratings import apply_ratings
from ioc.ingest.write_sensors import insert_readings
from ioc.kpi.dossiers import upsert_dossiers
from ioc.mqtt.inbound import InboundMessage
from ioc.reports.intake import create_reports
from ioc.reports.routing import TreeLocator
from ioc.store import Store
from ioc.store.models import AdminUnit, Camera, DeadLetter

log = logging.getLogger(__name__)

CAMERA_TYPES = (CameraHeartbeat, CameraDetection)
Item = tuple[InboundMessage, Record]
Reject = tuple[InboundMessage, Rejected]


@dataclass
class WriteResult:
    """What one batch did to the store (counts of records; readings counted apart)."""

    stored: int = 0
    duplicates: int = 0
    readings: int = 0
    rejected: Counter[str] = field(default_factory=Counter)

    def add(self, other: WriteResult) -> None:
        self.stored += other.stored
        self.duplicates += other.duplicates
        self.readings += other.readings
        self.rejected.update(other.rejected)


class BatchWriter:
    """Writes parsed batches; knows which cameras exist, refreshing on a miss."""

    def __init__(self, store: Store, keep_bytes: int = 8192) -> None:
        self.store = store
        self.keep_bytes = keep_bytes
        self._cameras: set[str] = set()
        self._units: set[str] = set()
        self._locator: TreeLocator | None = None
        self._locator_until = 0.0

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
        """Set aside records naming a camera that is not registered or a unit that is not."""
        self._refresh_references(items)
        known: list[Item] = []
        unknown: list[Reject] = []
        for message, record in items:
            problem = self._unknown_reference(record)
            if problem is None:
                known.append((message, record))
            else:
                unknown.append((message, problem))
        return known, unknown

    def _refresh_references(self, items: Sequence[Item]) -> None:
        cameras = {r.camera_id for _, r in items if isinstance(r, CAMERA_TYPES)}
        units = {r.dossier.unit_code for _, r in items if isinstance(r, DossierEvent)}
        if cameras <= self._cameras and units <= self._units:
            return
        with self.store.session() as session:
            self._cameras = set(session.scalars(select(Camera.id)).all())
            self._units = set(session.scalars(select(AdminUnit.code)).all())

    def _unknown_reference(self, record: Record) -> Rejected | None:
        if isinstance(record, CAMERA_TYPES) and record.camera_id not in self._cameras:
            return Rejected("unknown_camera", f"camera {record.camera_id!r} is not registered")
        if isinstance(record, DossierEvent) and record.dossier.unit_code not in self._units:
            return Rejected("unknown_unit", f"unit {record.dossier.unit_code!r} is not known")
        return None

    def _write(
        self, session: Session, items: Sequence[Item], rejects: Sequence[Reject], now: datetime
    ) -> WriteResult:
        records = [record for _, record in items]
        cameras = [r for r in records if isinstance(r, CAMERA_TYPES)]
        detections = [r for r in cameras if isinstance(r, CameraDetection)]
        sensors = [r for r in records if isinstance(r, SensorReadings)]
        dossiers = [r.dossier for r in records if isinstance(r, DossierEvent)]
        postgis = self.store.is_postgis
        new_detections = insert_detections(session, detections, now, postgis)
        offered, new_readings = insert_readings(session, sensors, now, postgis)
        dossier_result = upsert_dossiers(session, dossiers, postgis)
        reports = [(m, r) for m, r in items if isinstance(r, CitizenReportEvent)]
        report_repeats, refused = self._reports(session, reports, now)
        ack_repeats, refused_acks = self._acks(session, items)
        rating_repeats, refused_ratings = apply_ratings(session, items)
        refused += refused_acks + refused_ratings
        report_repeats += rating_repeats
        rejects = [*rejects, *refused]
        update_cameras(session, cameras, now)
        self._dead_letters(session, rejects)
        repeats = len(detections) - new_detections + dossier_result.ignored
        repeats += report_repeats + ack_repeats
        return WriteResult(
            stored=len(records) - repeats - len(refused),
            duplicates=repeats + (offered - new_readings),
            readings=new_readings,
            rejected=Counter(reason.reason for _, reason in rejects),
        )

    def _reports(
        self,
        session: Session,
        items: Sequence[tuple[InboundMessage, CitizenReportEvent]],
        now: datetime,
    ) -> tuple[int, list[Reject]]:
        """Store reports through the reports intake; returns (repeats, refused)."""
        if not items:
            return 0, []
        if self._locator is None or time.monotonic() > self._locator_until:
            self._locator = TreeLocator.load(session)
            self._locator_until = time.monotonic() + 600
        reports = [r.report for _, r in items]
        origins = [(f"mqtt:{r.report.source}", m.topic) for m, r in items]
        results = create_reports(session, self._locator, reports, now=now, origins=origins)
        refused = [
            (message, Rejected("report_refused", result.rejected))
            for (message, _), result in zip(items, results, strict=True)
            if result.rejected
        ]
        repeats = sum(1 for r in results if not r.created and not r.rejected)
        return repeats, refused

    @staticmethod
    def _acks(session: Session, items: Sequence[Item]) -> tuple[int, list[Reject]]:
        acks = [(m, r) for m, r in items if isinstance(r, IncidentAck)]
        if not acks:
            return 0, []
        repeats, outcomes = apply_acks(session, [r for _, r in acks])
        refused = [(m, o) for (m, _), o in zip(acks, outcomes, strict=True) if o is not None]
        return repeats, refused

    def _dead_letters(self, session: Session, rejects: Sequence[Reject]) -> None:
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
            log.info("dead-lettered %d message(s), first: %s", len(rejects), rejects[0][1])

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
            self._dead_letters(session, refused)
        total.rejected.update(reason.reason for _, reason in refused)
        return total
