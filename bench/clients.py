"""How the benches talk to the dashboard: ONE place that sets up a client's session.

:func:`session_headers` builds what every bench request carries; both the plain HTTP
clients (:func:`open_client`, used by ``bench/scale.py``) and the browser contexts
(:func:`browser_context`, used by ``bench/dashboard.py``) take it from there. Pages and
Dash callbacks need a signed-in session: the bench names its database once
(:func:`use_database`), and the first client opens an admin session in it, as the sign-in
page would; every request then carries that session's cookies and CSRF header.
"""

from __future__ import annotations

import http.client
import json
import time
from typing import Any
from urllib.parse import urlsplit

from ioc.auth.user_roles import Role
from ioc.store import open_store
from testkit.auth_support import SignedIn, browser_cookies, sign_in

VIEWPORT = {"width": 1920, "height": 1080}


_DATABASE: list[str] = []
_SIGNED: list[SignedIn] = []


def use_database(database_url: str) -> None:
    """The database the dashboard under test serves (its accounts and sessions)."""
    _DATABASE[:] = [database_url]
    _SIGNED.clear()


def signed_in() -> SignedIn:
    """The bench's admin session (opened on first use)."""
    if not _SIGNED:
        if not _DATABASE:
            raise RuntimeError("bench.clients.use_database(url) must be called first")
        store = open_store(_DATABASE[0])
        try:
            _SIGNED.append(sign_in(store, Role.ADMIN))
        finally:
            store.dispose()
    return _SIGNED[0]


def session_headers(base_url: str) -> dict[str, str]:
    """Headers of a dashboard session at ``base_url``: its cookies and CSRF header."""
    del base_url  # one session serves every client of this bench
    signed = signed_in()
    cookie = "; ".join(f"{name}={value}" for name, value in signed.cookies().items())
    return {"Cookie": cookie, **signed.headers()}


def browser_context(browser: Any, base_url: str) -> Any:
    """A Playwright browser context carrying the session (1920×1080)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_cookies(browser_cookies(base_url, signed_in()))
    return context


class DashClient:
    """One keep-alive HTTP connection posting Dash callback requests, like one browser tab."""

    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.headers = {"Content-Type": "application/json", **headers}
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def post(self, path: str, body: Any) -> tuple[int, float, Any]:
        """(status, seconds from sending to the whole answer read, decoded JSON or None)."""
        data = json.dumps(body).encode()
        started = time.perf_counter()
        try:
            self.connection.request("POST", path, body=data, headers=self.headers)
            response = self.connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()  # the next request opens a new connection
            raise
        seconds = time.perf_counter() - started
        decoded = json.loads(raw) if raw and response.status == 200 else None
        return response.status, seconds, decoded

    def close(self) -> None:
        self.connection.close()


def open_client(base_url: str) -> DashClient:
    """A client with this bench's session (see :func:`session_headers`)."""
    return DashClient(base_url, session_headers(base_url))
