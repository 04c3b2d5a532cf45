"""The camera worker's counters in the store (``worker_stats``, role ``cameras``).

Each worker says which shard it is, which cameras it took and how many frames of each it
analysed, so ``/metrics`` and ``/system`` (any web process, any host) show that every camera
has exactly one worker. Writing the counters is best effort: a database that is away never
stops the analysis; the worker logs it once and tries again at the next interval.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError

from ioc.config import CameraWorkerSettings
from ioc.store.lazy import LazyStore
from ioc.store.worker_stats import save_stats
from ioc.timeutil import utcnow

log = logging.getLogger(__name__)

ROLE = "cameras"
CAMERA_KEY = "camera."  # counters "camera.<id>": frames analysed of that camera


class CameraCounts(Protocol):
    """What the report reads of a running camera."""

    @property
    def camera_id(self) -> str: ...

    analysed: int
    events: int


def worker_id(settings: CameraWorkerSettings) -> str:
    """The role and its shard: stable across restarts, so a restarted worker reports under
    the same name in /metrics instead of leaving a dead row behind. In lease mode workers are
    interchangeable and the id also names their leases, so it is the host and process (a dead
    one's row ages out of /metrics, see ``ioc.store.worker_stats``)."""
    if settings.assignment == "lease":
        return f"{socket.gethostname()}:{os.getpid()}:cameras-lease"
    return f"cameras:{settings.shard_index}/{settings.shard_count}"


def counters(cameras: Iterable[CameraCounts], settings: CameraWorkerSettings) -> dict[str, float]:
    """Flat counters: the shard (or lease mode), totals, and each camera's analysed frames."""
    if settings.assignment == "lease":
        flat: dict[str, float] = {"lease_mode": 1}
    else:
        flat = {"shard_index": settings.shard_index, "shard_count": settings.shard_count}
    total = events = n = 0
    for camera in cameras:
        flat[CAMERA_KEY + camera.camera_id] = camera.analysed
        total += camera.analysed
        events += camera.events
        n += 1
    flat.update({"cameras": n, "analysed": total, "events": events})
    return flat


@dataclass
class WorkerReport:
    """Upserts this worker's row of ``worker_stats`` through the worker's shared store."""

    store: LazyStore
    worker_id: str
    started_at: datetime
    failing: bool = False

    def save(self, values: dict[str, float]) -> bool:
        """Write the counters; False (logged once per outage) when the store refuses."""
        try:
            with self.store.get().session() as session:
                save_stats(
                    session,
                    self.worker_id,
                    ROLE,
                    started_at=self.started_at,
                    now=utcnow(),
                    counters=values,
                )
        except SQLAlchemyError as exc:
            if not self.failing:
                log.warning("camera worker: cannot save its counters: %s", exc)
            self.failing = True
            return False
        if self.failing:
            log.info("camera worker: counters saved again")
        self.failing = False
        return True
