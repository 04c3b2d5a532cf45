"""The leader view in a real Chromium: ranking table, weekly view, CSV export, PNG name."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from ioc.config import Settings
from ioc.sim.dossier_history import backfill
from ioc.store import open_store
from ioc.store.migrate import upgrade
from ioc.timeutil import to_local, utcnow
from ioc.web.app import create_app
from testkit.overview_support import seed
from tests.e2e.conftest import LiveServer, WatchedPage
from tests.e2e.test_overview_page import Site

pytestmark = pytest.mark.e2e


@pytest.fixture
def site(tmp_path: Path, serve: Callable[[Any], LiveServer]) -> Any:
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    now = utcnow()
    seed(store, now)
    today = to_local(now).date()
    backfill(store, ["W1", "W2", "W3"], today - timedelta(days=75), today + timedelta(days=1))
    settings = Settings(var_dir=tmp_path, web={"refresh_s": 1.0})
    yield Site(store, serve(create_app(settings, store).server))
    store.dispose()


def test_leader_ranks_switches_to_weeks_and_exports(
    site: Site, watched_page: WatchedPage, tmp_path: Path
) -> None:
    watched_page.sign_in(site.live)
    page = watched_page.page
    page.goto(site.live.url + "/leader")
    page.wait_for_selector("#leader-table tbody tr", timeout=15_000)
    codes = page.eval_on_selector_all(
        "#leader-table tbody tr", "rows => rows.map(r => r.dataset.unit)"
    )
    assert sorted(codes) == ["W1", "W2", "W3"]
    page.locator("#leader-kind label", has_text="Tuần").click()
    page.wait_for_function(
        "() => document.getElementById('leader-period').innerText.includes('-W')", timeout=10_000
    )
    filename = page.evaluate(
        "() => document.querySelector('#leader-trend').parentElement && "
        "document.querySelector('#leader-trend .modebar-btn[data-title]') !== null"
    )
    assert filename is True  # the PNG button is on the chart's modebar
    with page.expect_download(timeout=10_000) as info:
        page.click("#leader-export")
    download = info.value
    assert download.suggested_filename.startswith("xep-hang-total-week-")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    text = target.read_text(encoding="utf-8-sig")
    assert text.startswith("rank,unit_code") and text.count("\n") == 4
    href = page.get_attribute("#leader-table tbody tr a", "href")
    assert href is not None and href.startswith("/unit/W")
    page.click("#leader-table tbody tr a")
    page.wait_for_selector("#unit-title", timeout=10_000)
    assert watched_page.problems() == []
