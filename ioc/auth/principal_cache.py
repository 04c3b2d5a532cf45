"""A few seconds' memory of resolved sessions, so a page's burst of callbacks costs one lookup.

Every Dash callback passes the gate; without this, each would read the session and its
account from the store. A hit is kept for ``ttl`` seconds at most (``auth.principal_cache_s``),
so a session revoked from another process (``ioc users disable``, a sign-out on another
worker) is refused within that time; a sign-out in this process forgets its token at once.
Only live sessions are remembered: a new session is never refused for having been unknown.
The entries live in the process's cache ``auth.principals`` (:mod:`ioc.cache`), by token hash.
"""

from __future__ import annotations

from ioc import cache
from ioc.auth.principal import Principal
from ioc.auth.sessions import token_hash

MAX_ENTRIES = 10_000
PRINCIPALS: cache.Cache[Principal] = cache.register(
    "auth.principals",
    holds="resolved live sessions (the principal) by session token hash",
    stale_when="a sign-out in this process forgets its token at once; a session revoked by "
    "another process is used until its entry's TTL (auth.principal_cache_s) runs out",
    ttl_s=60.0,  # the settings' upper bound; each entry is kept for the app's own setting
    limit=MAX_ENTRIES,
)


class PrincipalCache:
    """One app's view of ``auth.principals``: its TTL (0: remember nothing)."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl

    def get(self, token: str | None) -> Principal | None:
        if not token or self.ttl <= 0:
            return None
        return PRINCIPALS.get(token_hash(token))

    def put(self, token: str | None, principal: Principal) -> None:
        if token and self.ttl > 0:
            PRINCIPALS.put(token_hash(token), principal, ttl_s=self.ttl)

    def forget(self, token: str | None) -> None:
        if token:
            PRINCIPALS.forget(token_hash(token))
