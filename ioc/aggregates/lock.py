"""One refresher at a time, however many processes and hosts run one.

On PostgreSQL the lock is a session-level advisory lock held by one connection of the
refresher for as long as it runs: when the process dies or loses its connection the server
releases it, and a standby refresher takes over on its next try. On SQLite (one host) it
is an exclusive ``flock`` on a file beside the database, released by the kernel when the
process ends; an in-memory database is one process's own, so a lock in memory will do.
"""

from __future__ import annotations

import fcntl
import logging
import threading
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from ioc.store import Store

ADVISORY_KEY = 0x10C_A66_0012  # "IOC aggregates": one bigint every refresher agrees on
log = logging.getLogger(__name__)


class RefreshLock(Protocol):
    """A non-blocking lock a refresher tries before every refresh."""

    def acquire(self) -> bool:
        """True when this refresher holds the lock (already, or from now on)."""

    def release(self) -> None:
        """Give the lock up (nothing happens when it is not held)."""


class AdvisoryLock:
    """``pg_try_advisory_lock`` on a connection kept open while the lock is held."""

    def __init__(self, engine: Engine, key: int = ADVISORY_KEY) -> None:
        self.engine = engine
        self.key = key
        self.connection: Connection | None = None

    def acquire(self) -> bool:
        if self.connection is not None:
            if self._alive(self.connection):
                return True
            self.connection = None  # the server let the lock go with the connection
        connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            got = bool(
                connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key})
            )
        except SQLAlchemyError:
            connection.invalidate()
            raise
        if not got:
            connection.close()
            return False
        self.connection = connection
        return True

    @staticmethod
    def _alive(connection: Connection) -> bool:
        try:
            connection.scalar(text("SELECT 1"))
        except SQLAlchemyError:
            log.warning("refresher lost its database connection, and with it the lock")
            connection.invalidate()
            return False
        return True

    def release(self) -> None:
        connection, self.connection = self.connection, None
        if connection is None:
            return
        try:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            connection.close()
        except SQLAlchemyError:
            connection.invalidate()  # closing the connection releases the lock too


class FileLock:
    """An exclusive ``flock`` on ``path`` (created when missing)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: IO[str] | None = None

    def acquire(self) -> bool:
        if self.handle is not None:
            return True
        handle = self.path.open("a", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self.handle = handle
        return True

    def release(self) -> None:
        handle, self.handle = self.handle, None
        if handle is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            handle.close()


class MemoryLock:
    """For an in-memory SQLite database: one lock per URL in this process."""

    _LOCKS: dict[str, threading.Lock] = {}  # noqa: RUF012 - shared by every instance on purpose

    def __init__(self, url: str) -> None:
        self.lock = self._LOCKS.setdefault(url, threading.Lock())
        self.held = False

    def acquire(self) -> bool:
        if not self.held:
            self.held = self.lock.acquire(blocking=False)
        return self.held

    def release(self) -> None:
        if self.held:
            self.held = False
            self.lock.release()


def lock_for(store: Store) -> RefreshLock:
    """The lock that keeps refreshers of ``store`` apart."""
    if store.is_postgis:
        return AdvisoryLock(store.engine)
    database = store.engine.url.database
    if not database or database == ":memory:":
        return MemoryLock(str(store.engine.url))
    return FileLock(Path(database).with_name(Path(database).name + ".aggregates.lock"))
