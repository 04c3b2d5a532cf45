"""The ingest worker: drains the transport's queue in batches, parses, writes, acknowledges.

Bad input never leaves the loop as an exception: it becomes a dead letter and a counter.
When the database is away the worker keeps the batch, waits with back-off and retries
(one log line when it goes, one when it is back);
the bounded queue then fills and the transport stops reading, so the broker holds the rest.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from ioc.config import Settings
from ioc.ingest.area import province_predicate
from ioc.ingest.messages import OwnOutput, ParsedBatch, Rejected
from ioc.ingest.parsers import ParseRules, parse_message
from ioc.ingest.writer import BatchWriter, WriteResult
from ioc.mqtt.inbound import InboundMessage
from ioc.mqtt.topics import subscriptions
from ioc.mqtt.transport import MqttTransport
from ioc.retry import StoppedError, retry_call
from ioc.store import Store
from ioc.store.outage import Outage
from ioc.store.worker_stats import save_stats
from ioc.timeutil import utcnow

log = logging.getLogger(__name__)


@dataclass
class IngestStats:
    """Counters of one worker (read by /metrics and the dashboard)."""

    received: int = 0
    stored: int = 0
    duplicates: int = 0
    redelivered: int = 0
    readings: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    batches: int = 0
    db_errors: int = 0
    last_batch_seconds: float = 0.0
    lag_seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, result: WriteResult, messages: list[InboundMessage], seconds: float) -> None:
        lag = max((utcnow() - m.received_at).total_seconds() for m in messages)
        with self.lock:
            self.received += len(messages)
            self.redelivered += sum(1 for m in messages if m.redelivered)
            self.stored += result.stored
            self.duplicates += result.duplicates
            self.readings += result.readings
            self.rejected.update(result.rejected)
            self.batches += 1
            self.last_batch_seconds = seconds
            self.lag_seconds = lag

    def counters(self, queue_depth: int) -> dict[str, float]:
        """Flat counters for /metrics (rejects as ``rejected.<reason>``)."""
        with self.lock:
            flat: dict[str, float] = {
                "received": self.received,
                "stored": self.stored,
                "duplicates": self.duplicates,
                "redelivered": self.redelivered,
                "readings": self.readings,
                "batches": self.batches,
                "db_errors": self.db_errors,
                "last_batch_seconds": round(self.last_batch_seconds, 4),
                "lag_seconds": round(self.lag_seconds, 4),
                "queue_depth": queue_depth,
            }
            flat.update({f"rejected.{k}": v for k, v in self.rejected.items()})
        return flat


def parse_batch(messages: list[InboundMessage], rules: ParseRules) -> ParsedBatch:
    """Parse every message; never raises on a message's content."""
    batch = ParsedBatch()
    for message in messages:
        try:
            outcome = parse_message(message, rules)
        except Exception as exc:  # a parser bug must not lose the message
            log.exception("parser failed on %s", message.topic)
            outcome = Rejected("parser_error", f"{type(exc).__name__}: {exc}"[:300])
        if isinstance(outcome, OwnOutput):
            batch.own_output += 1
        elif isinstance(outcome, Rejected):
            batch.rejected.append((message, outcome))
        else:
            batch.records.append((message, outcome))
    return batch


class IngestWorker:
    """One ingest worker: an MQTT transport feeding a batched writer."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.stats = IngestStats()
        self.queue: queue.Queue[InboundMessage] = queue.Queue(settings.ingest.queue_max)
        self.rules = ParseRules(
            prefix=settings.mqtt.topic_prefix,
            max_payload_bytes=settings.ingest.max_payload_bytes,
            future_tolerance_s=settings.ingest.future_tolerance_s,
            inside=province_predicate(store, settings.province_code, date.today()),
        )
        self.writer = BatchWriter(store, settings.ingest.dead_letter_keep_bytes)
        # Stable across restarts (the role and its configured name, never the PID): a restarted
        # worker takes over its own row in /metrics instead of leaving a dead one behind.
        self.worker_id = f"ingest:{settings.mqtt.client_id}"
        self.started_at = utcnow()
        self.outage = Outage(f"ingest worker {settings.mqtt.client_id}", log=log)
        self.transport = MqttTransport(
            settings.mqtt, subscriptions(settings.mqtt.topic_prefix), self.queue.put
        )

    def run(self, stop: threading.Event) -> None:
        """Consume until ``stop`` is set; the last partial batch is written before returning."""
        self.transport.start()
        next_stats = 0.0
        try:
            while not stop.is_set():
                batch = self._collect(stop)
                if batch:
                    self._write_until_stored(batch, stop)
                if time.monotonic() >= next_stats:
                    self.save_stats()
                    next_stats = time.monotonic() + self.settings.ingest.stats_interval_s
        finally:
            self.transport.stop()
            self.save_stats()
            log.info("ingest worker stopped: %s", self.stats.counters(self.queue.qsize()))

    def save_stats(self) -> None:
        """Put this worker's counters in the store; a database error only costs an update."""
        try:
            with self.store.session() as session:
                save_stats(
                    session,
                    self.worker_id,
                    "ingest",
                    started_at=self.started_at,
                    now=utcnow(),
                    counters={
                        **self.stats.counters(self.queue.qsize()),
                        "sessions_lost": self.transport.sessions_lost,
                    },
                )
        except SQLAlchemyError as exc:
            log.debug("could not save worker stats: %s", exc)

    def _collect(self, stop: threading.Event) -> list[InboundMessage]:
        size = self.settings.ingest.batch_size
        try:
            batch = [self.queue.get(timeout=0.2)]
        except queue.Empty:
            return []
        deadline = time.monotonic() + self.settings.ingest.max_latency_s
        while len(batch) < size and not stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                batch.append(self.queue.get(timeout=remaining))
            except queue.Empty:
                break
        return batch

    def _write_until_stored(self, messages: list[InboundMessage], stop: threading.Event) -> None:
        parsed = parse_batch(messages, self.rules)
        started = time.monotonic()

        def write(_try: int) -> WriteResult:
            nonlocal started
            started = time.monotonic()
            return self.writer.write(parsed.records, parsed.rejected, utcnow())

        def db_failed(_try: int, error: WriteResult | BaseException) -> float:
            self.stats.db_errors += 1  # only OperationalError is retried: error is one
            # One log line when the database goes and one when it is back, not per retry.
            return self.outage.failed(error if isinstance(error, BaseException) else Exception())

        try:
            result = retry_call(write, stop=stop, wait=db_failed, retry_on=(OperationalError,))
        except StoppedError:
            log.warning("stopping with %d unstored messages (broker redelivers)", len(messages))
            return
        self.outage.recovered()
        self.stats.record(result, messages, time.monotonic() - started)
        for message in messages:
            self.transport.ack(message)
