"""Worker counters in the store: each worker upserts its own row; /metrics reads them all."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.store.models import WorkerStat


def save_stats(
    session: Session,
    worker_id: str,
    role: str,
    *,
    started_at: datetime,
    now: datetime,
    counters: Mapping[str, float],
) -> None:
    """Insert or replace the worker's row."""
    row = session.get(WorkerStat, worker_id)
    if row is None:
        row = WorkerStat(worker_id=worker_id, role=role, started_at=started_at)
        session.add(row)
    row.updated_at = now
    row.counters = dict(counters)


def all_stats(session: Session) -> Sequence[WorkerStat]:
    return session.scalars(select(WorkerStat).order_by(WorkerStat.worker_id)).all()
