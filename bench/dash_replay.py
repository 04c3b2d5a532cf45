"""Simulated dashboards: the overview's real Dash callback requests, replayed over HTTP.

:func:`capture_overview` loads the overview once in Chromium and records the body of every
``/_dash-update-component`` request the page sends while loading; a
:class:`SimulatedDashboard` then replays them like a browser tab: a page load (every
captured request, in order: routing, language, the first full refresh) followed by
refresh ticks every ``refresh_s`` carrying the version the previous answer returned (so
an unchanged store answers with nothing, a changed one with patches), and again.
"""

from __future__ import annotations

import copy
import threading
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
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, ok: bool) -> None:
        with self.lock:
            (self.load if kind == "load" else self.tick).append(seconds)
            self.errors += 0 if ok else 1


@dataclass
class SimulatedDashboard:
    """One browser tab on the overview: a load, ``ticks`` refreshes, again, until stopped."""

    base_url: str
    bodies: list[dict[str, Any]]
    refresh_s: float
    ticks: int
    timings: Timings

    def run(self, stop: threading.Event) -> None:
        client = open_client(self.base_url)
        try:
            while not stop.is_set():
                version = self.load(client)
                self.tick_until(client, version, stop)
        finally:
            client.close()

    def post(self, client: DashClient, kind: str, body: dict[str, Any]) -> Any:
        try:
            status, seconds, answer = client.post(CALLBACK_PATH, body)
        except OSError:
            self.timings.add(kind, 0.0, False)
            return None
        self.timings.add(kind, seconds, status in (200, 204))
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
