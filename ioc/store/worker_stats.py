"""Worker counters in the store: each worker upserts its own row; /metrics reads them all.

A worker's id is stable (its role and configured name), so a restarted worker reports in its
own row again. A row nobody has updated for ``STALE_AFTER`` (a worker renamed, removed or in
lease mode, whose id names its process) is left out of /metrics and the system page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.store.models import WorkerStat

STALE_AFTER = timedelta(hours=24)


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


def all_stats(session: Session, now: datetime) -> Sequence[WorkerStat]:
    """Every worker that reported within ``STALE_AFTER`` of ``now``, by id."""
    recent = WorkerStat.updated_at >= now - STALE_AFTER
    return session.scalars(select(WorkerStat).where(recent).order_by(WorkerStat.worker_id)).all()
