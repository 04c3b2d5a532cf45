"""Telling a database outage from a bad row, and waiting one out quietly.

A worker that meets an error asks :func:`is_outage`: an error of reaching the database
(refused, dropped, timed out), or any error while ``SELECT 1`` fails too, is an outage — the
worker keeps its place and waits; anything else, with the database answering, is the data's
fault. :class:`Outage` paces the waiting (back-off) and logs once when the database goes
away and once when it is back, however long the outage lasts.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from ioc.retry import Backoff
from ioc.store import Store

# Errors of reaching the database (refused, dropped, timed out), not of a query.
UNREACHABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)


def reachable(store: Store) -> bool:
    """Whether the database answers ``SELECT 1`` now."""
    try:
        with store.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True


def is_outage(exc: BaseException, store: Store) -> bool:
    """An error of reaching the database, or any error while the database does not answer."""
    return isinstance(exc, UNREACHABLE) or not reachable(store)


def short(exc: BaseException) -> str:
    """One line of an error, without SQLAlchemy's background link or the statement."""
    origin = getattr(exc, "orig", None) or exc
    return " ".join(str(origin).split())[:200] or type(exc).__name__


@dataclass
class Outage:
    """Back-off (:class:`ioc.retry.Backoff`) and state-change logging of one worker's view of
    the database."""

    who: str
    first_delay_s: float = 0.5
    max_delay_s: float = 10.0
    log: logging.Logger = field(default_factory=lambda: logging.getLogger(__name__))
    since: float | None = None
    delay_s: float = 0.0
    outages: int = 0
    backoff: Backoff = field(init=False)

    def __post_init__(self) -> None:
        self.backoff = Backoff(self.first_delay_s, self.max_delay_s)

    @property
    def down(self) -> bool:
        return self.since is not None

    def failed(self, exc: BaseException) -> float:
        """Note a failed attempt; returns how long to wait before the next one."""
        if self.since is None:
            self.since = time.monotonic()
            self.backoff.reset()
            self.outages += 1
            self.log.error(
                "%s: database unavailable (%s); paused, nothing is skipped, retrying with "
                "back-off up to %.0f s",
                self.who,
                short(exc),
                self.max_delay_s,
            )
        self.delay_s = self.backoff.next_delay()
        return self.delay_s

    def recovered(self) -> None:
        """Note a successful attempt; logs the end of an outage."""
        if self.since is None:
            return
        self.log.warning(
            "%s: database reachable again after %.1f s; resuming where it stopped",
            self.who,
            time.monotonic() - self.since,
        )
        self.since = None
