"""Workers' rows in the store: a restart reuses the row, a row nobody updates ages out of
/metrics and the system page (both backends)."""

from __future__ import annotations

from datetime import timedelta

from ioc.store import Store
from ioc.store.worker_stats import STALE_AFTER, all_stats, save_stats
from ioc.timeutil import utcnow


def test_restart_reuses_the_row_and_stale_rows_age_out(store: Store) -> None:
    now = utcnow()
    with store.session() as session:
        gone = now - STALE_AFTER - timedelta(minutes=1)
        save_stats(session, "ingest:old", "ingest", started_at=gone, now=gone, counters={})
        save_stats(session, "ingest:a", "ingest", started_at=now, now=now, counters={"stored": 5})
    later = now + timedelta(seconds=30)  # the same worker after a restart, same stable id
    with store.session() as session:
        save_stats(session, "ingest:a", "ingest", started_at=later, now=later, counters={})
    with store.session() as session:
        rows = all_stats(session, later)
        assert [(r.worker_id, r.counters) for r in rows] == [("ingest:a", {})]
        assert "ingest:old" in {r.worker_id for r in all_stats(session, gone)}  # fresh in its day
