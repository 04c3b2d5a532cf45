"""End-to-end fixtures: a real Chromium (Playwright) and a live IOC web server in a thread.

Pages need a signed-in session: ``watched_page.sign_in(live)`` (admin unless a role is
given) or ``live.sign_in(context, role, unit)`` for a context a test makes itself.

Chromium is Debian's ``/usr/bin/chromium`` (or ``IOC_TEST_CHROMIUM``); when it is missing the
tests skip, unless ``IOC_TEST_REQUIRE_SERVICES=1``, where they fail. Each page records console
errors, failed requests and any request that leaves the server under test: the IOC must run
in a control room without internet.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from ioc.auth.user_roles import Role
from testkit.auth_support import SignedIn, sign_in_browser, store_of
from testkit.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import unavailable

WALL = {"width": 1920, "height": 1080}
# A request still running when the page navigates or reloads is cancelled by the browser;
# on a loaded machine that happens to a slow callback now and then, and is no fault. (A
# request refused by the Content-Security-Policy fails with ERR_BLOCKED_BY_CSP instead.)
NAVIGATED_AWAY = "net::ERR_ABORTED"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session."""
    if not CHROMIUM.is_file():
        unavailable(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@dataclass
class LiveServer:
    """A WSGI app served on a free local port in a background thread."""

    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def sign_in(self, context: Any, role: Role = Role.ADMIN, unit: str | None = None) -> SignedIn:
        """Give a browser context a session of ``role`` on this server (see auth_support)."""
        app = self.server.app
        assert isinstance(app, Flask), "serve() a Flask server to sign in to it"
        return sign_in_browser(context, self.url, store_of(app), role, unit)

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()


@pytest.fixture
def serve() -> Iterator[Callable[[Any], LiveServer]]:
    """Start WSGI apps (e.g. ``create_app(...).server``); all are stopped after the test."""
    started: list[LiveServer] = []

    def start(wsgi_app: Any) -> LiveServer:
        server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="ioc-e2e-server", daemon=True)
        thread.start()
        live = LiveServer(server, thread)
        started.append(live)
        return live

    yield start
    for live in started:
        live.stop()


@dataclass
class WatchedPage:
    """A browser page and what went wrong while it ran."""

    page: Any
    origin: str = ""
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return self.console_errors + self.failed_requests + self.outside_requests

    def sign_in(self, live: LiveServer, role: Role = Role.ADMIN, unit: str | None = None) -> None:
        """Watch requests to ``live`` as local and sign this page's context in there."""
        self.origin = live.url
        live.sign_in(self.page.context, role, unit)


def watch(page: Any, origin: str = "") -> WatchedPage:
    """Record what goes wrong on ``page`` (one a test opened in a context of its own);
    requests to ``origin`` are local."""
    watched = WatchedPage(page, origin)
    _watch(watched)
    return watched


def _watch(watched: WatchedPage) -> None:
    page = watched.page

    def on_console(message: Any) -> None:
        if message.type == "error":
            watched.console_errors.append(f"console: {message.text}")

    def on_response(response: Any) -> None:
        if response.status >= 400:
            watched.failed_requests.append(f"HTTP {response.status} {response.url}")

    def on_request(request: Any) -> None:
        url = request.url
        local = url.startswith(("data:", "blob:", "about:")) or url.startswith(watched.origin)
        if watched.origin and not local:
            watched.outside_requests.append(f"outside request: {url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: watched.console_errors.append(f"page error: {error}"))
    page.on(
        "requestfailed",
        lambda request: (
            None
            if request.failure == NAVIGATED_AWAY
            else watched.failed_requests.append(f"failed: {request.url} ({request.failure})")
        ),
    )
    page.on("response", on_response)
    page.on("request", on_request)


@pytest.fixture
def watched_page(browser: Any) -> Iterator[WatchedPage]:
    """A fresh 1920×1080 page (a wall display) that records errors and outside requests.

    Set ``origin`` to the server under test before navigating.
    """
    context = browser.new_context(viewport=WALL, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    yield watch(context.new_page())
    context.close()
