"""The wall display left running: after many rotations and refreshes (with new incidents
arriving), the page's DOM and its JavaScript heap after garbage collection do not grow.

A proxy for "works unattended for days": 30 s at 1 rotation/s and 1 refresh/s is about a
hundred updates of every panel; ``bench``-length soaks are the same check run longer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from ioc.config import Settings
from ioc.store import Store, open_store
from ioc.store.migrate import upgrade
from ioc.timeutil import utcnow
from ioc.web.app import create_app
from testkit.overview_support import seed
from tests.e2e.conftest import LiveServer, WatchedPage
from tests.incidents_support import add_incident

pytestmark = pytest.mark.e2e
NODES_JS = "() => document.getElementsByTagName('*').length"


def heap_after_gc(cdp: Any) -> float:
    cdp.send("HeapProfiler.collectGarbage")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return float(metrics["JSHeapUsedSize"])


def run_for(page: Any, store: Store, seconds: float) -> None:
    """Let the wall rotate and refresh while a new incident arrives every few seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        add_incident(
            store, utcnow() - timedelta(seconds=1), title="Khói thử nghiệm", unit_code="W1"
        )
        page.wait_for_timeout(3000)


def test_wall_does_not_grow(
    tmp_path: Path, serve: Callable[[Any], LiveServer], watched_page: WatchedPage
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    seed(store, utcnow())
    settings = Settings(var_dir=tmp_path, web={"refresh_s": 1.0})
    live = serve(create_app(settings, store).server)
    watched_page.sign_in(live)
    page = watched_page.page
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    page.goto(live.url + "/wall?rotate=1")
    page.wait_for_selector("#wall-map .js-plotly-plot", timeout=15_000)
    run_for(page, store, 9)  # warm up: every panel drawn, caches filled
    nodes_before, heap_before = page.evaluate(NODES_JS), heap_after_gc(cdp)
    run_for(page, store, 30)
    nodes_after, heap_after = page.evaluate(NODES_JS), heap_after_gc(cdp)
    assert nodes_after <= nodes_before * 1.1 + 50, (nodes_before, nodes_after)
    assert heap_after <= heap_before * 1.25 + 2e6, (heap_before, heap_after)
    assert watched_page.problems() == []
    store.dispose()
