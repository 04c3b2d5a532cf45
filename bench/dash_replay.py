"""Simulated dashboards: the overview's real Dash callback requests, replayed over HTTP.

:func:`capture_overview` loads the overview once in Chromium and records the body of every
``/_dash-update-component`` request the page sends while loading; a
:class:`SimulatedDashboard` then replays them like a browser tab: a page load (every
captured request, in order: routing, language, the first full refresh) followed by
refresh ticks every ``refresh_s`` carrying the version the previous answer returned (so
an unchanged store answers with nothing, a changed one with patches), and again.

Errors are errors: a request that fails, times out or answers other than 200/204 is
counted in ``errors`` (by kind) and never enters the latency lists; an exception anywhere
in a simulated screen is counted in ``screen_errors`` with its first messages, and the
screen starts again with a new connection instead of dying silently.
"""

from __future__ import annotations

import copy
import http.client
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.clients import DashClient, browser_context, open_client
from testkit.chromium import CHROMIUM, CHROMIUM_ARGS
from testkit.overview_support import FILLED_JS

CALLBACK_PATH = "/_dash-update-component"
REFRESH_INPUT = "overview-interval"
VERSION_STATE = "overview-version"


def capture_overview(base_url: str) -> list[dict[str, Any]]:
    """The callback request bodies the overview sends while it loads, in order."""
    from playwright.sync_api import sync_playwright

    bodies: list[dict[str, Any]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser_context(browser, base_url).new_page()

        def record(request: Any) -> None:
            if CALLBACK_PATH in request.url and request.post_data_json:
                bodies.append(request.post_data_json)

        page.on("request", record)
        page.goto(base_url + "/")
        page.wait_for_function(FILLED_JS, timeout=60_000, polling=50)
        page.wait_for_timeout(500)
        browser.close()
    first = next((i for i, b in enumerate(bodies) if is_refresh(b)), None)
    if first is None:
        raise RuntimeError("the overview sent no refresh callback while loading")
    return [b for i, b in enumerate(bodies) if not is_refresh(b) or i == first]


def is_refresh(body: dict[str, Any]) -> bool:
    """The overview's live refresh (its interval is an input)."""
    return any(item.get("id") == REFRESH_INPUT for item in body.get("inputs", []))


def tick_body(first_refresh: dict[str, Any], n: int, version: Any) -> dict[str, Any]:
    """The refresh request of tick ``n``, carrying the version the page holds."""
    body = copy.deepcopy(first_refresh)
    for item in body["inputs"]:
        if item.get("id") == REFRESH_INPUT:
            item["value"] = n
    for item in body.get("state", []):
        if item.get("id") == VERSION_STATE:
            item["value"] = version
    body["changedPropIds"] = [f"{REFRESH_INPUT}.n_intervals"]
    return body


def version_of(answer: Any) -> Any:
    """The version a refresh answer gives the page (None when it sent none)."""
    if not isinstance(answer, dict):
        return None
    return answer.get("response", {}).get(VERSION_STATE, {}).get("data")


@dataclass
class Timings:
    """Seconds of each request, by kind; shared by every simulated dashboard."""

    load: list[float] = field(default_factory=list)
    tick: list[float] = field(default_factory=list)
    failed: Counter[str] = field(default_factory=Counter)
    screen_failures: list[str] = field(default_factory=list)
    resent: int = 0  # requests sent again on a new connection (see DashClient.post)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float) -> None:
        """A request answered 200/204: its time counts."""
        with self.lock:
            (self.load if kind == "load" else self.tick).append(seconds)

    def fail(self, what: str) -> None:
        """A request that failed (``status 500``, ``TimeoutError``...): counted, not timed."""
        with self.lock:
            self.failed[what] += 1

    def screen_failed(self, exc: BaseException) -> None:
        with self.lock:
            self.screen_failures.append(f"{type(exc).__name__}: {exc}"[:200])

    @property
    def errors(self) -> int:
        return sum(self.failed.values())

    @property
    def screen_errors(self) -> int:
        return len(self.screen_failures)


@dataclass
class SimulatedDashboard:
    """One browser tab on the overview: a load, ``ticks`` refreshes, again, until stopped."""

    base_url: str
    bodies: list[dict[str, Any]]
    refresh_s: float
    ticks: int
    timings: Timings

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.session(stop)
            except Exception as exc:  # counted and reported, then the screen starts again
                self.timings.screen_failed(exc)
                stop.wait(1.0)

    def session(self, stop: threading.Event) -> None:
        client = open_client(self.base_url)
        try:
            while not stop.is_set():
                version = self.load(client)
                self.tick_until(client, version, stop)
        finally:
            with self.timings.lock:
                self.timings.resent += client.resent
            client.close()

    def post(self, client: DashClient, kind: str, body: dict[str, Any]) -> Any:
        try:
            status, seconds, answer = client.post(CALLBACK_PATH, body)
        except (OSError, http.client.HTTPException) as exc:
            self.timings.fail(type(exc).__name__)
            return None
        if status not in (200, 204):
            self.timings.fail(f"status {status}")
            return None
        self.timings.add(kind, seconds)
        return answer

    def load(self, client: DashClient) -> Any:
        version = None
        for body in self.bodies:
            answer = self.post(client, "load", body)
            if is_refresh(body):
                version = version_of(answer)
        return version

    def tick_until(self, client: DashClient, version: Any, stop: threading.Event) -> None:
        first = next(body for body in self.bodies if is_refresh(body))
        for n in range(1, self.ticks + 1):
            if stop.wait(self.refresh_s):
                return
            answer = self.post(client, "tick", tick_body(first, n, version))
            version = version_of(answer) or version
