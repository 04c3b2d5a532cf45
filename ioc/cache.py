"""The process's caches in front of the store: one mechanism, every cache named and bounded.

A cache is registered once, by name, with what it holds, how long an entry may be used
(``ttl_s``), how many entries it keeps (``limit``), in words what makes an entry wrong
(``stale_when``) and the events that empty it (``events``, names from :data:`EVENTS`).
Code that causes an event calls :func:`changed`; :func:`invalidate` empties one cache by
name, :func:`invalidate_all` every one (tests start with it). Entries past their TTL are
never returned; a full cache first drops its expired entries, then its oldest. The list
of caches, and of what invalidates each, is in docs/architecture.md ("Caches").

Most caches here are keyed by the version of what they were read from (a feed's version,
the units' version, a fingerprint of the figures), so a write is seen by the next key and
the TTL only bounds memory and staleness of what no version covers. Caches hold values
that other threads also read: callers must not change a value they got, unless the cache
says it holds a mutable record (the camera book) and the caller holds its lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

V = TypeVar("V")

EVENTS: dict[str, str] = {
    "units": "administrative units imported, replaced or removed (ioc units import)",
    "iocs": "IOCs imported (ioc iocs import): their areas and the accounts bound to them",
}


@dataclass
class Cache(Generic[V]):
    """One named cache (see the module's docstring); make it with :func:`register`."""

    name: str
    holds: str
    stale_when: str
    ttl_s: float
    limit: int
    events: tuple[str, ...] = ()
    _entries: dict[Hashable, tuple[float, V]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def get(self, key: Hashable) -> V | None:
        """The value kept for ``key``, or None when there is none or it is past its TTL."""
        now = time.monotonic()
        with self._lock:
            hit = self._entries.get(key)
            if hit is None:
                return None
            if hit[0] <= now:
                del self._entries[key]
                return None
            return hit[1]

    def put(self, key: Hashable, value: V, ttl_s: float | None = None) -> None:
        """Keep ``value`` for ``ttl_s`` seconds (default: the cache's; 0 or less: not kept)."""
        ttl = self.ttl_s if ttl_s is None else ttl_s
        if ttl <= 0:
            return
        now = time.monotonic()
        with self._lock:
            self._entries.pop(key, None)
            if len(self._entries) >= self.limit:
                self._make_room(now)
            self._entries[key] = (now + ttl, value)

    def get_or_put(self, key: Hashable, make: Callable[[], V]) -> V:
        """The kept value, else ``make()`` kept (two threads may both make it: both hold
        the same value, the last one's is kept)."""
        found = self.get(key)
        if found is None:
            found = make()
            self.put(key, found)
        return found

    def forget(self, key: Hashable) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def _make_room(self, now: float) -> None:
        self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
        while len(self._entries) >= self.limit:
            del self._entries[next(iter(self._entries))]  # the oldest put


_REGISTRY: dict[str, Cache[Any]] = {}
_REGISTRY_LOCK = threading.Lock()


def register(
    name: str,
    *,
    holds: str,
    stale_when: str,
    ttl_s: float,
    limit: int,
    events: tuple[str, ...] = (),
) -> Cache[V]:
    """Make the cache ``name`` (names are unique in a process; events must be known)."""
    unknown = [event for event in events if event not in EVENTS]
    if unknown:
        raise ValueError(f"cache {name}: unknown events {unknown}")
    if ttl_s <= 0 or limit < 1:
        raise ValueError(f"cache {name}: a TTL and a limit are needed")
    cache: Cache[V] = Cache(name, holds, stale_when, ttl_s, limit, events)
    with _REGISTRY_LOCK:
        if name in _REGISTRY:
            raise ValueError(f"cache {name} is registered twice")
        _REGISTRY[name] = cache
    return cache


def caches() -> Iterator[Cache[Any]]:
    """Every registered cache, by name."""
    with _REGISTRY_LOCK:
        found = sorted(_REGISTRY.values(), key=lambda cache: cache.name)
    yield from found


def invalidate(name: str) -> None:
    """Empty the cache ``name``."""
    with _REGISTRY_LOCK:
        cache = _REGISTRY[name]
    cache.clear()


def invalidate_all() -> None:
    """Empty every cache of this process (tests; the shared aggregates table stays)."""
    for cache in caches():
        cache.clear()


def changed(event: str) -> None:
    """``event`` happened (see :data:`EVENTS`): empty every cache it makes wrong."""
    if event not in EVENTS:
        raise ValueError(f"unknown event {event}")
    for cache in caches():
        if event in cache.events:
            cache.clear()
