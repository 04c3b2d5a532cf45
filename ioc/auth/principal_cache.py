"""A few seconds' memory of resolved sessions, so a page's burst of callbacks costs one lookup.

Every Dash callback passes the gate; without this, each would read the session and its
account from the store. A hit is kept for ``ttl`` seconds at most (``auth.principal_cache_s``),
so a session revoked from another process (``ioc users disable``, a sign-out on another
worker) is refused within that time; a sign-out in this process forgets its token at once.
Only live sessions are remembered: a new session is never refused for having been unknown.
"""

from __future__ import annotations

import time
from threading import Lock

from ioc.auth.principal import Principal
from ioc.auth.sessions import token_hash

MAX_ENTRIES = 10_000


class PrincipalCache:
    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._entries: dict[str, tuple[float, Principal]] = {}
        self._lock = Lock()

    def get(self, token: str | None) -> Principal | None:
        if not token or self.ttl <= 0:
            return None
        key = token_hash(token)
        with self._lock:
            hit = self._entries.get(key)
            if hit is None:
                return None
            if hit[0] <= time.monotonic():
                del self._entries[key]
                return None
            return hit[1]

    def put(self, token: str | None, principal: Principal) -> None:
        if not token or self.ttl <= 0:
            return
        now = time.monotonic()
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
                if len(self._entries) >= MAX_ENTRIES:
                    self._entries.clear()
            self._entries[token_hash(token)] = (now + self.ttl, principal)

    def forget(self, token: str | None) -> None:
        if token:
            with self._lock:
                self._entries.pop(token_hash(token), None)
