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

from sqlalchemy import delete
from sqlalchemy.exc import SQLAlchemyError

from ioc.config import Settings
from ioc.incidents.alerts import Outbox, escalate_due, queue_outbox
from ioc.incidents.cameras import CameraIndex
from ioc.incidents.correlate import process_detection
from ioc.incidents.cursors import TABLES, load_cursors, next_rows, save_cursors
from ioc.incidents.links import earlier_reports, process_report
from ioc.incidents.rules import load_rules
from ioc.incidents.sensors import process_reading
from ioc.incidents.setaside import row_of, set_aside, set_aside_rows
from ioc.notify.dispatch import Dispatcher
from ioc.notify.subscriptions import seed_subscriptions
from ioc.runtime import Task
from ioc.store import Store, open_store
from ioc.store.models import DeadLetter, Incident
from ioc.store.outage import Outage, is_outage, short
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
        self.outage = Outage("incidents worker", log=log)

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
        """Poll until ``stop`` is set; a busy store is polled again at once, a store that is
        away is waited for (back-off) without moving any cursor."""
        try:
            if not self._start_when_reachable(stop):
                return
            while not stop.is_set():
                busy = self._guarded_step()
                if busy is None:
                    stop.wait(self.outage.delay_s)
                elif not busy:
                    stop.wait(self.cfg.poll_interval_s)
        finally:
            self.dispatcher.close()
            log.info("incidents worker stopped: %s", dict(self.counts))

    def _start_when_reachable(self, stop: threading.Event) -> bool:
        while not stop.is_set():
            try:
                self.start()
            except SQLAlchemyError as exc:
                stop.wait(self.outage.failed(exc))
                continue
            self.outage.recovered()
            return True
        return False

    def _guarded_step(self) -> int | None:
        """One step; ``None`` while the database is away (nothing moved, wait and retry)."""
        try:
            busy = self.step()
        except Exception as exc:
            return self._after_failure(exc)
        self.outage.recovered()
        self.limit = BATCH
        return busy

    def _after_failure(self, exc: Exception) -> int | None:
        """An outage pauses; with the database healthy the failing rows are isolated (and
        if even setting a row aside fails, the worker waits and tries the same row again)."""
        if not is_outage(exc, self.store):
            self.outage.recovered()
            try:
                self._isolate_failure(exc)
                return 0
            except Exception as again:
                exc = again
        self.outage.failed(exc)
        self.counts["db_errors"] += 1
        return None

    def step(self, escalate: bool | None = None) -> int:
        """One poll: new rows of every stream, escalation when due; rows processed.

        The cursors move in memory only once the transaction that did their rows' work has
        committed: a failed commit leaves them where they were, so no row is passed over.
        """
        outbox = Outbox()
        with self.store.session() as session:
            now = self.clock()
            cursors, done = self._streams(session, now, outbox)
            if escalate or (escalate is None and time.monotonic() >= self._next_escalation):
                self._next_escalation = time.monotonic() + ESCALATION_EVERY_S
                self.counts["escalations"] += escalate_due(session, self.cfg, now, outbox)
            delivery_ids = queue_outbox(session, outbox, self.public_url, self.signer)
            save_cursors(session, cursors, now)
        self.cursors = cursors
        self.dispatcher.submit(delivery_ids)
        self.dispatcher.pick_up("dispatch")  # dispatches pressed on the pages
        return done

    def _isolate_failure(self, exc: Exception) -> None:
        """With the database healthy, retry a failed batch one row at a time; a row that
        fails alone is set aside with its reason (``ioc incidents replay``)."""
        if self.limit > 1 or self.current is None:
            log.warning("incidents batch failed (%s); retrying one row at a time", short(exc))
            self.limit = 1
            return
        stream, row_id = self.current
        log.error("setting aside %s row %s: it fails on its own: %s", stream, row_id, short(exc))
        cursors = {**self.cursors, stream: row_id}
        with self.store.session() as session:
            now = self.clock()
            set_aside(session, stream, row_id, f"{type(exc).__name__}: {short(exc)}", now)
            save_cursors(session, cursors, now)
        self.cursors = cursors
        self.counts["set_aside"] += 1

    def _streams(self, session: Any, now: datetime, outbox: Outbox) -> tuple[dict[str, int], int]:
        """Process each stream's next rows; the cursors they lead to, and how many."""
        cursors, done = dict(self.cursors), 0
        for stream, handle in self.handlers.items():
            rows = next_rows(session, stream, cursors[stream], self.limit)
            for row in rows:
                self.current = (stream, row.id)
                handle(session, row, now, outbox)
            if rows:
                cursors[stream] = rows[-1].id
                done += len(rows)
        return cursors, done

    def replay(self) -> tuple[int, int]:
        """Process every set-aside row again; (replayed, still failing)."""
        replayed = failing = 0
        with self.store.session() as session:
            self.cameras.load(session)
            letters = [(letter.id, row_of(letter)) for letter in set_aside_rows(session)]
        for letter_id, (stream, row_id) in letters:
            try:
                self._replay_one(letter_id, stream, row_id)
                replayed += 1
            except Exception as exc:
                log.error("%s row %s still fails: %s", stream, row_id, short(exc))
                failing += 1
        return replayed, failing

    def _replay_one(self, letter_id: int, stream: str, row_id: int) -> None:
        outbox = Outbox()
        with self.store.session() as session:
            row = session.get(TABLES[stream], row_id)
            if row is not None:
                self.handlers[stream](session, row, self.clock(), outbox)
            delivery_ids = queue_outbox(session, outbox, self.public_url, self.signer)
            session.execute(delete(DeadLetter).where(DeadLetter.id == letter_id))
        self.dispatcher.submit(delivery_ids)

    @property
    def handlers(self) -> dict[str, Callable[[Any, Any, datetime, Outbox], None]]:
        return {"detections": self._detection, "readings": self._reading, "reports": self._report}

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
