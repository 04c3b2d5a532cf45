"""The incidents worker: follows detections, readings and reports by id cursor, turns them
into incidents, queues notifications, runs escalation, and hands deliveries to the
dispatcher after each commit.

Run it with ``ioc incidents run`` or as the orchestrator task :func:`incidents_task`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ioc.config import Settings
from ioc.incidents.alerts import Outbox, escalate_due, queue_outbox
from ioc.incidents.cameras import CameraIndex
from ioc.incidents.correlate import process_detection
from ioc.incidents.cursors import load_cursors, next_rows, save_cursors
from ioc.incidents.links import earlier_reports, process_report
from ioc.incidents.rules import load_rules
from ioc.incidents.sensors import process_reading
from ioc.notify.dispatch import Dispatcher
from ioc.notify.subscriptions import seed_subscriptions
from ioc.runtime import Task
from ioc.store import Store, open_store
from ioc.store.models import Incident
from ioc.timeutil import utcnow

log = logging.getLogger(__name__)

BATCH = 200
ESCALATION_EVERY_S = 1.0
Clock = Callable[[], datetime]


class IncidentWorker:
    """One incidents worker over a store (one per installation)."""

    def __init__(
        self, settings: Settings, store: Store, clock: Clock = utcnow, from_start: bool = False
    ) -> None:
        self.cfg = settings.incidents
        self.signer = settings.auth.file_links()  # the web role checks with the same key
        self.public_url = settings.public_base_url
        self.store = store
        self.clock = clock
        self.from_start = from_start
        self.cameras = CameraIndex(self.cfg.cone_km)
        self.rules = load_rules(self.cfg.rules_file)
        self.dispatcher = Dispatcher(settings, store)
        self.cursors: dict[str, int] = {}
        self.counts: Counter[str] = Counter()
        self._next_escalation = 0.0
        self.limit = BATCH
        self.current: tuple[str, int] | None = None  # stream and id being processed

    def start(self) -> None:
        """Load cursors, cameras and seeded subscriptions; resend deliveries left pending."""
        with self.store.session() as session:
            self.cursors = load_cursors(session, self.clock(), self.from_start)
            self.cameras.load(session)
            seeded = seed_subscriptions(session, self.cfg.subscriptions_file)
        if seeded:
            log.info("seeded %d notification subscriptions", seeded)
        resumed = self.dispatcher.resume_pending()
        log.info("incidents worker started at %s (%d deliveries resumed)", self.cursors, resumed)

    def run(self, stop: threading.Event) -> None:
        """Poll until ``stop`` is set; a busy store is polled again at once."""
        self.start()
        try:
            while not stop.is_set():
                try:
                    busy = self.step()
                    self.limit = BATCH
                except Exception:
                    log.exception("incidents step failed at %s", self.current)
                    self._isolate_failure()
                    busy = 0
                if not busy:
                    stop.wait(self.cfg.poll_interval_s)
        finally:
            self.dispatcher.close()
            log.info("incidents worker stopped: %s", dict(self.counts))

    def step(self, escalate: bool | None = None) -> int:
        """One poll: new rows of every stream, escalation when due; rows processed."""
        outbox = Outbox()
        with self.store.session() as session:
            now = self.clock()
            done = self._streams(session, now, outbox)
            if escalate or (escalate is None and time.monotonic() >= self._next_escalation):
                self._next_escalation = time.monotonic() + ESCALATION_EVERY_S
                self.counts["escalations"] += escalate_due(session, self.cfg, now, outbox)
            delivery_ids = queue_outbox(session, outbox, self.public_url, self.signer)
            save_cursors(session, self.cursors, now)
        self.dispatcher.submit(delivery_ids)
        self.dispatcher.pick_up("dispatch")  # dispatches pressed on the pages
        return done

    def _isolate_failure(self) -> None:
        """Retry a failed batch one row at a time; a row that fails alone is skipped."""
        if self.limit > 1 or self.current is None:
            self.limit = 1
            return
        stream, row_id = self.current
        log.error("skipping %s row %s: it fails on its own", stream, row_id)
        self.cursors[stream] = row_id
        self.counts["skipped"] += 1
        try:
            with self.store.session() as session:
                save_cursors(session, self.cursors, self.clock())
        except Exception:
            log.exception("cannot save the cursors")

    def _streams(self, session: Any, now: datetime, outbox: Outbox) -> int:
        done = 0
        for stream, handle in (
            ("detections", self._detection),
            ("readings", self._reading),
            ("reports", self._report),
        ):
            rows = next_rows(session, stream, self.cursors[stream], self.limit)
            for row in rows:
                self.current = (stream, row.id)
                handle(session, row, now, outbox)
            if rows:
                self.cursors[stream] = rows[-1].id
                done += len(rows)
        return done

    def _detection(self, session: Any, det: Any, now: datetime, outbox: Outbox) -> None:
        outcome = process_detection(session, det, self.cameras, self.cfg, now)
        if outcome is None:
            self.counts["unknown_camera"] += 1
            return
        self.counts[f"detection_{outcome.verdict}"] += 1
        if outcome.verdict == "new":
            incident = session.get(Incident, outcome.incident_id)
            earlier_reports(session, incident, self.cameras, self.cfg, now)
            outbox.add(outcome.incident_id, 0)

    def _reading(self, session: Any, reading: Any, now: datetime, outbox: Outbox) -> None:
        for incident_id, opened in process_reading(
            session, self.store, reading, rules=self.rules, cfg=self.cfg, now=now
        ):
            self.counts["reading_new" if opened else "reading_join"] += 1
            if opened:
                outbox.add(incident_id, 0)

    def _report(self, session: Any, report: Any, now: datetime, outbox: Outbox) -> None:
        if process_report(session, report, self.cameras, self.cfg, now) is not None:
            self.counts["report_attached"] += 1


def incidents_task(settings: Settings) -> Task:
    """The incidents worker as an orchestrator task (opens its own store connection)."""

    def run(stop: threading.Event) -> None:
        store = open_store(settings.database_url, echo=settings.database.echo)
        try:
            IncidentWorker(settings, store).run(stop)
        finally:
            store.dispose()

    return run
