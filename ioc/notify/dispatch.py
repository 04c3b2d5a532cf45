"""Fan-out with retries: one delivery row per target, sent by a small thread pool.

Deliveries are written as ``pending`` rows in the same transaction as the incident change
that caused them, then sent after the commit. Each is tried ``incidents.retries`` times
with exponential back-off (``backoff_s``, doubling; :func:`ioc.retry.retry_call`); after
the last try it becomes ``dead`` and a row in ``dead_letters`` keeps its body. A worker
stopped mid-retry leaves the row pending, and the next start sends it: nothing is lost.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.config import Settings
from ioc.notify.base import Alert, DeliveryError
from ioc.notify.registry import Notifiers, UnknownChannelError
from ioc.retry import StoppedError, exponential, retry_call
from ioc.store import Store
from ioc.store.models import DeadLetter
from ioc.store.models_incidents import NotificationDelivery, NotificationSubscription
from ioc.timeutil import utcnow

log = logging.getLogger(__name__)
ALERT_FIELDS = {f.name for f in dataclasses.fields(Alert)}


def alert_from_payload(payload: dict[str, Any]) -> Alert:
    return Alert(**{k: v for k, v in payload.items() if k in ALERT_FIELDS})


def queue_deliveries(
    session: Session, alert: Alert, subscriptions: list[NotificationSubscription]
) -> list[int]:
    """Pending delivery rows for an alert, one per subscription; their ids."""
    rows = [
        NotificationDelivery(
            incident_id=alert.incident_id,
            subscription_id=sub.id,
            channel=sub.channel,
            target=sub.target,
            level=alert.level,
            reason=alert.reason,
            status="pending",
            attempts=0,
            last_error="",
            payload=alert.payload(),
            created_at=utcnow(),
        )
        for sub in subscriptions
    ]
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows]


class Dispatcher:
    """Sends delivery rows in background threads, retrying, then dead-lettering."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.cfg = settings.incidents
        self.store = store
        self.notifiers = Notifiers(settings)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.counts: Counter[str] = Counter()
        self.pool = ThreadPoolExecutor(self.cfg.delivery_threads, thread_name_prefix="notify")
        self.submitted: set[int] = set()  # ids handed to the pool and not finished yet

    def submit(self, delivery_ids: list[int]) -> None:
        for delivery_id in delivery_ids:
            with self.lock:
                if delivery_id in self.submitted:
                    continue
                self.submitted.add(delivery_id)
            self.pool.submit(self._deliver, delivery_id)

    def pick_up(self, reason: str = "dispatch") -> int:
        """Queue deliveries of ``reason`` written by another process (a dispatch pressed on
        a page) that are still pending and not being sent here; how many."""
        with self.store.session() as session:
            ids = list(
                session.scalars(
                    select(NotificationDelivery.id).where(
                        NotificationDelivery.status == "pending",
                        NotificationDelivery.reason == reason,
                    )
                )
            )
        with self.lock:
            fresh = [i for i in ids if i not in self.submitted]
        self.submit(fresh)
        return len(fresh)

    def resume_pending(self) -> int:
        """Queue every delivery left pending by an earlier run."""
        with self.store.session() as session:
            ids = list(
                session.scalars(
                    select(NotificationDelivery.id).where(NotificationDelivery.status == "pending")
                )
            )
        self.submit(ids)
        return len(ids)

    def close(self) -> None:
        self.stop.set()
        self.pool.shutdown(wait=True)
        self.notifiers.close()

    def _deliver(self, delivery_id: int) -> None:
        try:
            self._try_all(delivery_id)
        except Exception:  # a bug must not kill the pool thread silently
            log.exception("delivery %s failed unexpectedly", delivery_id)
        finally:
            with self.lock:
                self.submitted.discard(delivery_id)

    def _try_all(self, delivery_id: int) -> None:
        with self.store.session() as session:
            row = session.get(NotificationDelivery, delivery_id)
            if row is None or row.status != "pending":
                return
            channel, target, payload = row.channel, row.target, dict(row.payload or {})
        if channel not in self.cfg.channels:
            self._finish(delivery_id, "skipped", 0, f"channel {channel} is not enabled")
            return
        alert = alert_from_payload(payload)
        tries = 0

        def send(attempt: int) -> str:
            nonlocal tries
            tries = attempt
            error = self._send_once(channel, alert, target)
            if error:
                log.warning("delivery %s via %s, try %d: %s", delivery_id, channel, attempt, error)
            return error

        delay = exponential(self.cfg.backoff_s)
        try:
            error = retry_call(
                send,
                stop=self.stop,
                wait=lambda attempt, _error: delay(attempt),
                tries=self.cfg.retries,
                failed=bool,
            )
        except StoppedError as stopped:
            self._record_attempts(delivery_id, stopped.tries, str(stopped.last))
            return  # stopping: stays pending for the next run
        if not error:
            self._finish(delivery_id, "sent", tries, "")
            return
        self._finish(delivery_id, "dead", self.cfg.retries, error)
        self._dead_letter(channel, target, payload, error)

    def _send_once(self, channel: str, alert: Alert, target: str) -> str:
        try:
            with self.lock:
                notifier = self.notifiers.get(channel)
            notifier.send(alert, target)
        except DeliveryError as exc:
            return str(exc) or type(exc).__name__
        except UnknownChannelError:
            return f"unknown channel {channel}"
        return ""

    def _finish(self, delivery_id: int, status: str, attempts: int, error: str) -> None:
        with self.store.session() as session:
            row = session.get(NotificationDelivery, delivery_id)
            if row is not None:
                row.status, row.attempts, row.last_error = status, attempts, error[:1000]
                row.finished_at = utcnow()
        self.counts[status] += 1

    def _record_attempts(self, delivery_id: int, attempts: int, error: str) -> None:
        with self.store.session() as session:
            row = session.get(NotificationDelivery, delivery_id)
            if row is not None:
                row.attempts, row.last_error = attempts, error[:1000]

    def _dead_letter(self, channel: str, target: str, payload: dict[str, Any], error: str) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        with self.store.session() as session:
            session.add(
                DeadLetter(
                    source=f"notify.{channel}",
                    topic=target or channel,
                    reason=f"delivery_failed: {error}"[:1000],
                    payload=body,
                    payload_size=len(body),
                    received_at=utcnow(),
                )
            )
