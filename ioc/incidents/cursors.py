"""Read cursors of the incidents worker: the last id seen of each input table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ioc.store.models import CitizenReport, Detection, SensorReading
from ioc.store.models_incidents import IncidentCursor

TABLES: Final[dict[str, Any]] = {
    "detections": Detection,
    "readings": SensorReading,
    "reports": CitizenReport,
}


def load_cursors(session: Session, now: datetime, from_start: bool) -> dict[str, int]:
    """Stored cursors; a stream never read starts at the table's end (or at 0)."""
    cursors = {row.stream: row.last_id for row in session.scalars(select(IncidentCursor))}
    for stream, model in TABLES.items():
        if stream not in cursors:
            start = 0 if from_start else int(session.scalar(select(func.max(model.id))) or 0)
            cursors[stream] = start
            session.add(IncidentCursor(stream=stream, last_id=start, updated_at=now))
    return cursors


def save_cursors(session: Session, cursors: dict[str, int], now: datetime) -> None:
    for stream, last_id in cursors.items():
        row = session.get(IncidentCursor, stream)
        if row is None:
            session.add(IncidentCursor(stream=stream, last_id=last_id, updated_at=now))
        elif row.last_id != last_id:
            row.last_id, row.updated_at = last_id, now


def next_rows(session: Session, stream: str, after: int, limit: int) -> Sequence[Any]:
    """Rows of a stream with an id above the cursor, oldest first (an index range scan)."""
    model = TABLES[stream]
    return session.scalars(
        select(model).where(model.id > after).order_by(model.id).limit(limit)
    ).all()
