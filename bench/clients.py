"""How the benches talk to the dashboard: ONE place that sets up a client's session.

:func:`session_headers` builds what every bench request carries; both the plain HTTP
clients (:func:`open_client`, used by ``bench/scale.py``) and the browser contexts
(:func:`browser_context`, used by ``bench/dashboard.py``) take it from there. Today the
dashboard needs nothing; once pages and Dash callbacks require a signed-in session, sign
in here (e.g. POST the sign-in form, return ``{"Cookie": "session=..."}``) and every bench
follows.
"""

from __future__ import annotations

import http.client
import json
import time
from typing import Any
from urllib.parse import urlsplit

VIEWPORT = {"width": 1920, "height": 1080}


def session_headers(base_url: str) -> dict[str, str]:
    """Headers of a dashboard session at ``base_url`` (the sign-in goes here)."""
    del base_url  # no sign-in yet
    return {}


def browser_context(browser: Any, base_url: str) -> Any:
    """A Playwright browser context carrying the session (1920×1080)."""
    return browser.new_context(viewport=VIEWPORT, extra_http_headers=session_headers(base_url))


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
