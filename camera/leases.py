"""Lease mode (``camera_worker.assignment = "lease"``): camera workers share the cameras
through the database instead of fixed shards.

Every third of ``lease_s`` each worker, in one transaction: renews its presence in
``camera_workers``; counts the live workers and works out its fair share (the cameras with
a stream divided by the live workers, rounded up); renews its own leases; gives back what it
holds beyond its share (so a newcomer finds free cameras); and claims free or expired
cameras up to its share. Rounds run one at a time (a transaction-level advisory lock on
PostgreSQL; SQLite has one writer anyway), so every round sees the others' results and no
two rounds deadlock over each other's rows. Claims are single conditional statements
besides (``UPDATE … WHERE expires_at < now``, ``INSERT … ON CONFLICT DO NOTHING``) and a
camera's lease row is keyed on the camera: two workers can never hold one camera.

A worker that stops cleanly gives everything back at once (:func:`leave`); one that dies
keeps its cameras only until its leases expire, then the others take them over. A worker
that cannot reach the database for longer than a lease stops analysing (its cameras may
be someone else's by then). Workers compare expiry times with their own clocks: keep the
hosts' clocks in sync (NTP), well within ``lease_s``.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from camera.registry import CameraSource, stream_cameras
from ioc.store.lazy import LazyStore
from ioc.store.models_leases import CameraLease, CameraWorkerPresence
from ioc.timeutil import utcnow

log = logging.getLogger(__name__)

# PostgreSQL advisory lock held by a round until it commits (a round takes milliseconds and
# each worker runs one every lease_s/3, so workers never wait long for each other).
ROUND_LOCK = 0x10C_CA3E


def fair_share(cameras: int, workers: int) -> int:
    """Cameras one of ``workers`` live workers should hold (rounded up: all get covered)."""
    return math.ceil(cameras / max(workers, 1))


def plan(mine: Sequence[str], share: int) -> tuple[list[str], int]:
    """Which held cameras to give back (beyond the share) and how many more to claim."""
    held = sorted(mine)
    if len(held) > share:
        return held[share:], 0
    return [], share - len(held)


def balance(
    session: Session, worker_id: str, cameras: Sequence[str], now: datetime, lease_s: float
) -> set[str]:
    """One round for ``worker_id``; returns the cameras it holds when the round commits."""
    until = now + timedelta(seconds=lease_s)
    if _postgres(session):  # one round at a time: each sees the others' rounds committed
        session.execute(select(func.pg_advisory_xact_lock(ROUND_LOCK)))
    _present(session, worker_id, until)  # SQLite: this first write serialises the rounds
    session.execute(delete(CameraWorkerPresence).where(CameraWorkerPresence.expires_at < now))
    live = session.scalar(select(func.count()).select_from(CameraWorkerPresence)) or 1
    leases = {
        row.camera_id: (row.worker_id, row.expires_at)
        for row in session.execute(
            select(CameraLease.camera_id, CameraLease.worker_id, CameraLease.expires_at)
        )
    }
    wanted = set(cameras)
    mine = [c for c, (w, exp) in leases.items() if w == worker_id and exp >= now and c in wanted]
    release, more = plan(mine, fair_share(len(wanted), live))
    gone = [c for c, (w, _exp) in leases.items() if w == worker_id and c not in wanted]
    _release(session, worker_id, [*release, *gone])
    kept = _renew(session, worker_id, sorted(set(mine) - set(release)), now, until)
    free = [c for c in sorted(wanted) if c not in leases or leases[c][1] < now]
    claimed: list[str] = []
    for camera in free:
        if len(claimed) >= more:
            break
        if _claim(session, camera, worker_id, now, until):
            claimed.append(camera)
    return set(kept) | set(claimed)


def leave(session: Session, worker_id: str) -> None:
    """Give back every camera and the presence at once (a clean stop)."""
    session.execute(delete(CameraLease).where(CameraLease.worker_id == worker_id))
    session.execute(delete(CameraWorkerPresence).where(CameraWorkerPresence.worker_id == worker_id))


def holders(session: Session, now: datetime) -> dict[str, str]:
    """Camera → worker of every lease still valid at ``now``."""
    rows = session.execute(
        select(CameraLease.camera_id, CameraLease.worker_id).where(CameraLease.expires_at >= now)
    )
    return {camera: worker for camera, worker in rows}


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _present(session: Session, worker_id: str, until: datetime) -> None:
    values = {"worker_id": worker_id, "expires_at": until}
    if _postgres(session):
        pg = postgresql.insert(CameraWorkerPresence).values(values)
        session.execute(pg.on_conflict_do_update(index_elements=["worker_id"], set_=values))
    else:
        lite = sqlite.insert(CameraWorkerPresence).values(values)
        session.execute(lite.on_conflict_do_update(index_elements=["worker_id"], set_=values))


def _release(session: Session, worker_id: str, cameras: Sequence[str]) -> None:
    if cameras:
        session.execute(
            delete(CameraLease).where(
                CameraLease.worker_id == worker_id, CameraLease.camera_id.in_(cameras)
            )
        )


def _renew(
    session: Session, worker_id: str, cameras: Sequence[str], now: datetime, until: datetime
) -> list[str]:
    """Extend the leases still held; a lease that expired meanwhile is not ours any more."""
    if not cameras:
        return []
    statement = (
        update(CameraLease)
        .where(
            CameraLease.worker_id == worker_id,
            CameraLease.camera_id.in_(cameras),
            CameraLease.expires_at >= now,
        )
        .values(expires_at=until)
        .returning(CameraLease.camera_id)
        .execution_options(synchronize_session=False)
    )
    return list(session.scalars(statement))


def _claim(session: Session, camera: str, worker_id: str, now: datetime, until: datetime) -> bool:
    """Take a camera whose lease expired, or that nobody ever leased; False if taken first."""
    taken_over = session.execute(
        update(CameraLease)
        .where(CameraLease.camera_id == camera, CameraLease.expires_at < now)
        .values(worker_id=worker_id, expires_at=until)
        .returning(CameraLease.camera_id)
        .execution_options(synchronize_session=False)
    ).first()
    if taken_over is not None:
        return True
    values = {"camera_id": camera, "worker_id": worker_id, "expires_at": until}
    if _postgres(session):
        pg = postgresql.insert(CameraLease).values(values).on_conflict_do_nothing()
        added = session.execute(pg.returning(CameraLease.camera_id)).first()
    else:
        lite = sqlite.insert(CameraLease).values(values).on_conflict_do_nothing()
        added = session.execute(lite.returning(CameraLease.camera_id)).first()
    return added is not None


@dataclass
class LeaseKeeper:
    """A worker's side of lease mode: one round at a time, and the cameras to run now."""

    store: LazyStore
    worker_id: str
    lease_s: float
    last_ok: float = field(default_factory=time.monotonic)

    def round(self) -> dict[str, CameraSource] | None:
        """The cameras this worker holds after a round; None to keep running what it runs.

        When the database has been away for longer than a lease, the answer is "nothing":
        the other workers may have taken the cameras over by now.
        """
        try:
            with self.store.get().session() as session:
                sources = {s.id: s for s in stream_cameras(session)}
                held = balance(session, self.worker_id, list(sources), utcnow(), self.lease_s)
        except SQLAlchemyError as exc:
            late = time.monotonic() - self.last_ok
            log.warning("camera leases not renewed (%.0f s since the last round): %s", late, exc)
            return {} if late > self.lease_s else None
        self.last_ok = time.monotonic()
        return {camera: sources[camera] for camera in sorted(held)}

    def leave(self) -> None:
        """Give the cameras back for the others to take at once (best effort)."""
        try:
            with self.store.get().session() as session:
                leave(session, self.worker_id)
        except SQLAlchemyError as exc:
            log.warning("camera leases not given back (they expire by themselves): %s", exc)
