"""The unit IOC page in a real Chromium: map, cameras with a snapshot, drill-down from ranking."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from ioc.config import Settings
from ioc.store import open_store
from ioc.store.migrate import upgrade
from ioc.store.models import Detection
from ioc.timeutil import utcnow
from ioc.web.app import create_app
from testkit.overview_support import FILLED_JS, seed
from tests.e2e.conftest import LiveServer, WatchedPage
from tests.e2e.test_overview_page import Site

pytestmark = pytest.mark.e2e
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005fe02fea7d6a4f50000000049454e44ae426082"
)


@pytest.fixture
def site(tmp_path: Path, serve: Callable[[Any], LiveServer]) -> Any:
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    now = utcnow()
    seed(store, now)
    (tmp_path / "snapshots" / "cam-1").mkdir(parents=True)
    (tmp_path / "snapshots" / "cam-1" / "a.png").write_bytes(PNG)
    with store.session() as session:
        session.add(
            Detection(
                msg_id="d1",
                camera_id="cam-1",
                kind="smoke",
                score=0.9,
                snapshot="snapshots/cam-1/a.png",
                observed_at=now - timedelta(hours=2),
                received_at=now,
            )
        )
    settings = Settings(var_dir=tmp_path, web={"refresh_s": 1.0})
    yield Site(store, serve(create_app(settings, store).server))
    store.dispose()


def test_unit_page_shows_its_cameras_and_map(site: Site, watched_page: WatchedPage) -> None:
    watched_page.sign_in(site.live)
    page = watched_page.page
    page.goto(site.live.url + "/unit/W3")
    page.wait_for_selector("#unit-cameras .unit-camera", timeout=15_000)
    assert page.inner_text("#unit-title") == "Xã Lạc Dương"
    statuses = page.eval_on_selector_all(
        "#unit-cameras .unit-camera", "els => els.map(e => e.dataset.status)"
    )
    assert sorted(statuses) == ["alarm", "offline"]
    assert page.locator("#unit-cameras .unit-no-img").count() == 2  # placeholders
    page.wait_for_function(
        "() => { const g = document.querySelector('#unit-map .js-plotly-plot');"
        " return g && g.data && g.data.length === 10; }",
        timeout=10_000,
    )
    assert "Không có phản ánh" in page.inner_text("#unit-reports")
    page.wait_for_timeout(1200)  # a live refresh
    assert watched_page.problems() == []


def test_snapshot_is_shown_and_unknown_unit_is_explained(
    site: Site, watched_page: WatchedPage
) -> None:
    watched_page.sign_in(site.live)
    page = watched_page.page
    page.goto(site.live.url + "/unit/W1")
    page.wait_for_selector("#unit-cameras img.unit-camera-img", timeout=15_000)
    source = page.get_attribute("#unit-cameras img.unit-camera-img", "src")
    assert source == "/files/snapshots/cam-1/a.png"
    page.wait_for_function(
        "() => { const g = document.querySelector('#unit-map .js-plotly-plot');"
        " return !!g && !!g.data && g.data.length === 10; }",
        timeout=10_000,
    )
    page.wait_for_timeout(300)
    page.goto(site.live.url + "/unit/XX9")
    page.wait_for_function(
        "() => { const e = document.getElementById('unit-title');"
        " return !!e && e.innerText.includes('XX9'); }",
        timeout=10_000,
    )
    assert "Không tìm thấy đơn vị" in page.inner_text("#unit-title")
    assert watched_page.problems() == []


def test_back_link_returns_to_the_province(site: Site, watched_page: WatchedPage) -> None:
    watched_page.sign_in(site.live)
    page = watched_page.page
    page.goto(site.live.url + "/unit/W1")
    page.wait_for_selector("#unit-cameras .unit-camera", timeout=15_000)
    page.wait_for_timeout(500)
    page.locator(".unit-back").click()
    page.wait_for_function(FILLED_JS, timeout=15_000)
    assert page.url.rstrip("/") == site.live.url
    assert watched_page.problems() == []
