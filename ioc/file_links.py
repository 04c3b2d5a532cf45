"""Signed, expiring links to files: ``/files/snapshots/<path>?exp=<unix>&sig=<mac>``.

An alert carries a link to its snapshot picture; the officer who taps it on a phone is
seldom signed in. The link therefore carries its own permission: an HMAC-SHA256, under a
secret shared by whoever makes alerts and the web processes, of the exact path and an
expiry time. The web process accepts it for that path only and only until it expires.

Rules of :meth:`FileLinks.verify`, all of which must hold, anything else is refused:

* the query is exactly ``exp`` and ``sig``, each once, nothing else;
* ``exp`` is a plain decimal number of seconds since 1970 (no sign, no spaces);
* ``sig`` is the 43 URL-safe base-64 characters (no padding) of the MAC;
* the MAC matches (compared in constant time) for this path and this ``exp``;
* ``now < exp <= now + ttl + SLACK_S``: not expired, and not made to live longer than the
  configured lifetime (a little slack for clocks of different machines).

The MAC covers a purpose label, the path (as the server sees it, percent-decoded) and
``exp``, joined by NUL bytes; ``exp`` holds digits only, so the last NUL splits them without
doubt and no other path or expiry can reuse a signature. Pure functions of their
arguments: no clock, no Flask, no files.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote

PURPOSE = b"ioc-file-link-v1"
SLACK_S = 300  # clocks of the alerting and the serving machine may differ this much
MIN_KEY_BYTES = 16
SIG_RE = re.compile(r"[A-Za-z0-9_-]{43}")
EXP_RE = re.compile(r"[0-9]{1,12}")
FIELDS = ("exp", "sig")


@dataclass(frozen=True, repr=False)
class FileLinks:
    """Signs and checks links under one secret ``key``, valid for ``ttl_s`` seconds."""

    key: bytes
    ttl_s: int

    def __post_init__(self) -> None:
        if len(self.key) < MIN_KEY_BYTES:
            raise ValueError(f"a link secret needs at least {MIN_KEY_BYTES} bytes")
        if self.ttl_s <= 0:
            raise ValueError("a link must live a positive number of seconds")

    def __repr__(self) -> str:
        return f"FileLinks(ttl_s={self.ttl_s})"  # never the key

    def signature(self, path: str, exp: int) -> str:
        message = b"\x00".join((PURPOSE, path.encode("utf-8"), str(exp).encode("ascii")))
        mac = hmac.new(self.key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")

    def query(self, path: str, now: float) -> str:
        """``exp=…&sig=…`` for ``path``, valid for the lifetime from ``now`` (unix seconds)."""
        exp = int(now) + self.ttl_s
        return f"exp={exp}&sig={self.signature(path, exp)}"

    def url(self, base: str, path: str, now: float) -> str:
        """The absolute signed link of ``path`` (e.g. ``/files/snapshots/x.jpg``) on ``base``."""
        return f"{base.rstrip('/')}{quote(path, safe='/')}?{self.query(path, now)}"

    def verify(self, path: str, query: object, now: float) -> bool:
        """Whether the raw query string ``query`` signs ``path`` and is still valid at ``now``."""
        fields = parse_fields(query)
        if fields is None:
            return False
        exp_text, sig = fields["exp"], fields["sig"]
        if not EXP_RE.fullmatch(exp_text) or not SIG_RE.fullmatch(sig):
            return False
        exp = int(exp_text)
        if not now < exp <= now + self.ttl_s + SLACK_S:
            return False
        expected = self.signature(path, exp)
        return hmac.compare_digest(sig.encode("ascii"), expected.encode("ascii"))


def parse_fields(query: object) -> dict[str, str] | None:
    """``{"exp": …, "sig": …}`` of a query holding exactly those two, once each; else None."""
    if isinstance(query, bytes):
        try:
            query = query.decode("ascii")
        except UnicodeDecodeError:
            return None
    if not isinstance(query, str) or not query or len(query) > 200:
        return None
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return None
    keys = [key for key, _value in pairs]
    if sorted(keys) != sorted(FIELDS):
        return None
    return dict(pairs)
