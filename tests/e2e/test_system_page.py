"""/system in Chromium: workers' counters and the last day's rejects, no console errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from ioc.config import Settings
from ioc.store import open_store
from ioc.store.migrate import upgrade
from ioc.store.models import DeadLetter
from ioc.store.worker_stats import save_stats
from ioc.timeutil import utcnow
from ioc.web.app import create_app
from tests.e2e.conftest import LiveServer, WatchedPage

pytestmark = pytest.mark.e2e


def test_system_page_shows_workers_and_rejects(
    tmp_path: Path, serve: Callable[[Any], LiveServer], watched_page: WatchedPage
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    now = utcnow()
    with store.session() as session:
        save_stats(
            session,
            "host:1:ioc-ingest",
            "ingest",
            started_at=now,
            now=now,
            counters={"received": 1200, "stored": 1190, "duplicates": 4},
        )
        for reason in ("not_json: Expecting value", "not_json: x", "unknown_camera: 'X'"):
            session.add(
                DeadLetter(
                    topic="t",
                    reason=reason,
                    payload=b"",
                    payload_size=0,
                    received_at=now - timedelta(minutes=5),
                )
            )
    live = serve(create_app(Settings(var_dir=tmp_path, web={"refresh_s": 1.0}), store).server)
    watched_page.sign_in(live)
    page = watched_page.page
    page.goto(live.url + "/system")
    page.wait_for_selector("#system-worker-table")
    workers = page.inner_text("#system-worker-table")
    assert "host:1:ioc-ingest" in workers and "1200" in workers and "1190" in workers
    rows = page.locator("#system-reject-table tbody tr").all_inner_texts()
    assert [row.split() for row in rows] == [["not_json", "2"], ["unknown_camera", "1"]]
    assert watched_page.problems() == []
    store.dispose()
