"""One store of a database URL, opened on first use and shared by the parts of a process.

The camera worker's counters, its camera leases and its review queue each need the store
now and then, from several threads; they share one of these (one connection pool) rather
than opening one each. Opening is lazy so a worker starts while the database is away.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from ioc.store import Store, open_store


@dataclass
class LazyStore:
    """The store of ``database_url``, opened by the first :meth:`get` (thread-safe);
    :meth:`close` disposes it, and a later :meth:`get` opens it again."""

    database_url: str
    _store: Store | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def get(self) -> Store:
        with self._lock:
            if self._store is None:
                self._store = open_store(self.database_url)
            return self._store

    def close(self) -> None:
        with self._lock:
            store, self._store = self._store, None
        if store is not None:
            store.dispose()
