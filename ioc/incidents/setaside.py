"""Rows the incidents worker set aside: one that failed on its own while the database was
healthy is written to the dead-letter table (source ``incidents``) with its reason, where the
system page counts it, and ``ioc incidents replay`` processes it again once fixed.

A dead letter of this kind names its row as ``<stream>/<id>`` in ``topic``; its payload is
empty (the row itself stays in its table).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.store.models import DeadLetter

SOURCE = "incidents"
REASON = "incident_row_failed"


def set_aside(session: Session, stream: str, row_id: int, error: str, now: datetime) -> None:
    """Record that ``stream`` row ``row_id`` could not be processed, and why."""
    session.add(
        DeadLetter(
            source=SOURCE,
            topic=f"{stream}/{row_id}",
            reason=f"{REASON}: {error}"[:2000],
            payload=b"",
            payload_size=0,
            received_at=now,
        )
    )


def set_aside_rows(session: Session) -> Sequence[DeadLetter]:
    """Every row set aside and not yet replayed, oldest first."""
    query = select(DeadLetter).where(DeadLetter.source == SOURCE).order_by(DeadLetter.id)
    return session.scalars(query).all()


def row_of(letter: DeadLetter) -> tuple[str, int]:
    """The (stream, id) a set-aside dead letter names."""
    stream, _, row_id = letter.topic.partition("/")
    return stream, int(row_id)
