"""The refresher: recomputes the shared aggregates on a schedule, one process at a time.

Every ``aggregates.refresh_s`` seconds the refresher holding the lock
(:mod:`ioc.aggregates.lock`) counts the KPI periods the pages ask for — the running ones
every time, a closed one when its aggregate is missing or about to expire — in ONE query,
renews the province's open/overdue report counts and brings the province's report layer
to the reports' current version. Other refreshers (standbys on other hosts, or every web
process with ``aggregates.in_web``) try the lock each interval and take over when the
holder goes away. Pages never wait for it: what is missing or expired they compute.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from ioc.aggregates import feeds
from ioc.aggregates import reports as report_aggregates
from ioc.aggregates.kpi import COUNTS, METRICS, count_periods, counts_key, score_periods
from ioc.aggregates.lock import RefreshLock, lock_for
from ioc.aggregates.shared import Computed, put, read_stamps
from ioc.config import Settings
from ioc.kpi.areas import load_areas
from ioc.kpi.periods import Period, default_era, is_running, recent_periods
from ioc.runtime import Task
from ioc.store import Store
from ioc.timeutil import to_local, utcnow

TREND_STEPS = 8  # periods of each kind the pages show (the leader's trends; unit pages 6)
RUNNING_HOLD = 3  # a running period's counts hold this many refresh intervals
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RefreshResult:
    """What one refresh did: periods counted, report aggregates written, seconds taken."""

    periods: int
    reports: int
    seconds: float


def periods_due(session: Session, now: datetime, refresh_s: float) -> list[Period]:
    """The pages' periods to count now: running ones, and closed ones missing or expiring
    before the next refresh or the one after."""
    periods = recent_periods(now, TREND_STEPS)
    stamps = read_stamps(session, [counts_key(p, default_era(p)) for p in periods])
    soon = now + timedelta(seconds=2 * refresh_s)
    due = []
    for period in periods:
        stamp = stamps.get(counts_key(period, default_era(period)))
        if is_running(period, now) or stamp is None or stamp.expires_at <= soon:
            due.append(period)
    return due


def refresh_kpi(store: Store, now: datetime, refresh_s: float) -> int:
    """Count the due periods in one query, score them, share both; returns how many."""
    with store.session() as session:
        due = periods_due(session, now, refresh_s)
        if not due:
            return 0
        requests = [(p, default_era(p)) for p in due]
        computed = count_periods(session, requests, now, RUNNING_HOLD * refresh_s)
        areas = load_areas(session, to_local(now).date())
    put(store.engine, computed, now, COUNTS)
    put(store.engine, score_periods(computed, requests, areas), now, METRICS)
    return len(computed)


def refresh_reports(store: Store, now: datetime, refresh_s: float) -> int:
    """The province's report counts (renewed) and layer (when the reports moved)."""
    with store.session() as session:
        version = feeds.reports_version(session)
        counts = feeds.count_open_reports(session, now)
        feeds.report_layer(session, now, None, version)  # computed and shared only if new
    expires = now + timedelta(seconds=max(report_aggregates.COUNTS_TTL_S, 2 * refresh_s))
    entry = Computed(counts, version, expires)
    put(store.engine, {report_aggregates.counts_key(None): entry}, now, report_aggregates.COUNTS)
    return 2


def refresh_once(store: Store, now: datetime, refresh_s: float) -> RefreshResult:
    """Recompute what is due of every shared aggregate (the caller holds the lock)."""
    started = time.monotonic()
    periods = refresh_kpi(store, now, refresh_s)
    written = refresh_reports(store, now, refresh_s)
    return RefreshResult(periods, written, time.monotonic() - started)


@dataclass
class Refresher:
    """Refresh every ``refresh_s`` seconds while holding ``lock``; stand by otherwise."""

    store: Store
    refresh_s: float
    lock: RefreshLock
    runs: int = 0
    last: RefreshResult | None = None
    holding: bool = field(default=False)

    def tick(self, now: datetime) -> bool:
        """One refresh if this refresher holds (or now takes) the lock; True if it ran."""
        held = self.lock.acquire()
        if held != self.holding:
            log.info("aggregates refresher %s", "took the lock" if held else "is standing by")
            self.holding = held
        if not held:
            return False
        self.last = refresh_once(self.store, now, self.refresh_s)
        self.runs += 1
        log.debug("aggregates refreshed: %s", self.last)
        return True

    def run(self, stop: threading.Event) -> None:
        """Tick until ``stop`` is set, then give the lock up."""
        try:
            while not stop.is_set():
                started = time.monotonic()
                try:
                    self.tick(utcnow())
                except Exception as exc:  # a failed refresh leaves pages computing for
                    # themselves; the next tick tries again
                    log.warning("aggregates refresh failed: %s", exc)
                    log.debug("aggregates refresh failure", exc_info=True)
                stop.wait(max(0.0, self.refresh_s - (time.monotonic() - started)))
        finally:
            self.lock.release()


def refresher_for(settings: Settings, store: Store) -> Refresher:
    return Refresher(store, settings.aggregates.refresh_s, lock_for(store))


def aggregates_task(settings: Settings, store: Store) -> Task:
    """The ``aggregates`` role for the orchestrator."""
    return refresher_for(settings, store).run


def start_in_background(settings: Settings, store: Store) -> threading.Thread:
    """A refresher in a daemon thread of this (web) process (``aggregates.in_web``)."""
    thread = threading.Thread(
        target=refresher_for(settings, store).run,
        args=(threading.Event(),),
        name="aggregates-refresher",
        daemon=True,
    )
    thread.start()
    return thread
