"""How the ingest bench sees what was stored: only its own run's rows, as they commit.

:class:`Watcher` polls the readings table every ``every`` seconds for new rows of one run
(its msg_id prefix) and notes when each first became visible, i.e. after the commit that
made it so; latency is that moment minus the ``ts`` the publisher stamped. Loss and stored
duplicates are counted over the run's msg_ids only, so a probe or another run's row can
neither hide a lost message nor look like one.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from ioc.store.models import SensorReading, WorkerStat


def percentile(ordered: list[float], q: float) -> float:
    """The q-quantile of an ascending list (nearest rank)."""
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Watcher:
    """The rows of one run (msg_id prefix ``tag``) and when each was first seen."""

    engine: Any
    tag: str
    every: float = 0.1
    lags: dict[str, float] = field(default_factory=dict)
    since: int = 0

    def poll(self) -> int:
        """Read the rows committed since the last poll; returns the run's rows seen."""
        columns = (SensorReading.id, SensorReading.msg_id, SensorReading.observed_at)
        query = select(*columns).where(
            SensorReading.id > self.since, SensorReading.msg_id.like(f"{self.tag}%")
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        now = datetime.now(UTC)
        for row_id, msg_id, observed in rows:
            self.since = max(self.since, int(row_id))
            self.lags.setdefault(msg_id, (now - observed).total_seconds())
        return len(self.lags)

    def watch(
        self, expected: int, stall_timeout: float, hook: Callable[[int], None] | None = None
    ) -> float:
        """Poll until every row is seen or nothing moves for ``stall_timeout`` seconds.

        ``hook`` is called with the count after every poll (a fault is injected there).
        Returns the monotonic time the last row was seen.
        """
        last, last_change, reported = -1, time.monotonic(), 0.0
        while True:
            count = self.poll()
            now = time.monotonic()
            if count != last:
                last, last_change = count, now
            if now - reported >= 1 or count >= expected:
                print(f"  stored {count:>9,} / {expected:,}", file=sys.stderr, flush=True)
                reported = now
            if hook is not None:
                hook(count)
            if count >= expected or now - last_change > stall_timeout:
                return last_change
            time.sleep(self.every)

    def latency(self) -> dict[str, float]:
        lags = sorted(self.lags.values())
        if not lags:
            return {"p50_latency_s": 0.0, "p95_latency_s": 0.0, "max_latency_s": 0.0}
        return {
            "p50_latency_s": round(percentile(lags, 0.50), 3),
            "p95_latency_s": round(percentile(lags, 0.95), 3),
            "max_latency_s": round(lags[-1], 3),
        }


def run_counts(engine: Any, tag: str) -> tuple[int, int]:
    """(rows, distinct msg_ids) of one run.

    The table's key is (msg_id, observed_at), so a redelivery stored under another time
    would be a second row with the same msg_id and show here.
    """
    run = SensorReading.msg_id.like(f"{tag}%")
    with engine.connect() as conn:
        rows = conn.scalar(select(func.count()).select_from(SensorReading).where(run))
        distinct = conn.scalar(select(func.count(func.distinct(SensorReading.msg_id))).where(run))
    return int(rows or 0), int(distinct or 0)


def worker_counters(engine: Any, client_id: str) -> dict[str, float]:
    """The counters of this run's worker.

    Its ``worker_stats`` row is named by the role and the MQTT client id, never the process,
    so a worker started again after a SIGKILL takes the row over: these are the counters of
    the last process, the one the broker redelivers the unacknowledged messages to.
    """
    with engine.connect() as conn:
        query = select(WorkerStat.counters).where(WorkerStat.worker_id == f"ingest:{client_id}")
        counters = conn.scalar(query) or {}
    return {
        key: value
        for key, value in counters.items()
        if isinstance(value, int | float) and not key.endswith("_seconds")
    }
