"""/system in Chromium: ingest and camera workers' counters, the last day's rejects and the
pull connectors' sources with their dead letters, no console errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from ioc.config import Settings
from ioc.config.connectors import ConnectorSettings
from ioc.connectors.runner import SourcePoller
from ioc.connectors.service import checked_sources
from ioc.kpi.dossiers import DossierIn
from ioc.sim.lgsp import FakeLgspServer, demo_sources, lgsp_record
from ioc.store import Store, open_store
from ioc.store.migrate import upgrade
from ioc.store.models import DeadLetter
from ioc.store.worker_stats import save_stats
from ioc.timeutil import utcnow
from ioc.web.app import create_app
from tests.e2e.conftest import LiveServer, WatchedPage

pytestmark = pytest.mark.e2e


def pull_from_fake_source(store: Store, tmp_path: Path) -> None:
    """One real poll of a fake LGSP source serving a good record and one it cannot map."""
    moment = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
    good = lgsp_record(DossierIn("HS-1", "1.001193", "24778", moment, moment))
    bad = {**good, "MaHoSo": "HS-2", "KenhNop": 9}
    server = FakeLgspServer([good, bad], "t0ken").start()
    try:
        (tmp_path / "lgsp-demo.token").write_text("t0ken", encoding="utf-8")
        path = tmp_path / "sources.yaml"
        content = demo_sources(server.url, tmp_path / "lgsp-demo.token")
        path.write_text(yaml.safe_dump(content), encoding="utf-8")
        [spec] = checked_sources(path)
        assert SourcePoller(store, spec, ConnectorSettings()).poll().dead_letters == 1
    finally:
        server.stop()


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
        save_stats(
            session,
            "host:2:cameras-1/2",
            "cameras",
            started_at=now,
            now=now,
            counters={
                "shard_index": 1,
                "shard_count": 2,
                "cameras": 2,
                "analysed": 75,
                "camera.LD-DL-01": 40,
                "camera.LD-BL-07": 35,
            },
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
    pull_from_fake_source(store, tmp_path)
    live = serve(create_app(Settings(var_dir=tmp_path, web={"refresh_s": 1.0}), store).server)
    watched_page.sign_in(live)
    page = watched_page.page
    page.goto(live.url + "/system")
    page.wait_for_selector("#system-worker-table")
    workers = page.inner_text("#system-worker-table")
    assert "host:1:ioc-ingest" in workers and "1200" in workers and "1190" in workers
    assert "cameras-1/2" not in workers  # camera workers have their own table
    cameras = page.inner_text("#system-camera-table")
    assert "host:2:cameras-1/2" in cameras and "1/2" in cameras and "75" in cameras
    assert "2: LD-BL-07, LD-DL-01" in cameras
    rows = page.locator("#system-reject-table tbody tr").all_inner_texts()
    assert [row.split() for row in rows] == [["not_json", "2"], ["unknown_camera", "1"]]
    sources = page.inner_text("#system-connector-table")
    assert "lgsp-motcua-demo" in sources and "2026-11-02T01:00:00+00:00" in sources
    letters = page.inner_text("#system-connector-letters")
    assert "HS-2" in letters and "KenhNop=9 is not one of 1, 2, 3" in letters
    assert watched_page.problems() == []
    store.dispose()
