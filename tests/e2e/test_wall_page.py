"""The wall display in a real Chromium: no scrollbars, rotation, new-incident alert, 4K."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import shapely

from ioc.auth.user_roles import Role
from ioc.config import Settings
from ioc.store import open_store
from ioc.store.migrate import upgrade
from ioc.store.models import Incident
from ioc.timeutil import utcnow
from ioc.web.app import create_app
from testkit.overview_support import seed
from tests.e2e.conftest import LiveServer, WatchedPage
from tests.e2e.test_overview_page import Site

pytestmark = pytest.mark.e2e
NO_SCROLL_JS = (
    "() => [document.documentElement.scrollWidth > innerWidth,"
    " document.documentElement.scrollHeight > innerHeight]"
)


@pytest.fixture
def site(tmp_path: Path, serve: Callable[[Any], LiveServer]) -> Any:
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    seed(store, utcnow())
    settings = Settings(var_dir=tmp_path, web={"refresh_s": 1.0})
    yield Site(store, serve(create_app(settings, store).server))
    store.dispose()


def test_wall_rotates_and_a_new_incident_takes_the_screen(
    site: Site, watched_page: WatchedPage
) -> None:
    watched_page.sign_in(site.live)
    page = watched_page.page
    page.goto(site.live.url + "/wall?rotate=3")
    page.wait_for_selector("#wall-map .js-plotly-plot", timeout=15_000)
    page.wait_for_function(
        "() => document.getElementById('wall-updated').innerText.length > 0", timeout=10_000
    )
    assert page.evaluate(NO_SCROLL_JS) == [False, False]
    assert page.is_hidden(".shell-header")
    first = page.inner_text("#wall-panel-name")
    page.wait_for_function(
        f"() => document.getElementById('wall-panel-name').innerText !== {first!r}",
        timeout=8_000,
    )
    assert page.locator(".wall-panel-active").count() == 1
    now = utcnow()
    with site.store.session() as session:
        session.add(
            Incident(
                kind="fire",
                severity="critical",
                status="new",
                title="Cháy rừng Lạc Dương",
                unit_code="W3",
                lon=108.5,
                lat=12.2,
                geom=shapely.Point(108.5, 12.2),
                opened_at=now,
                updated_at=now,
            )
        )
    page.wait_for_selector(".wall-alert-on", timeout=8_000)
    assert "Cháy rừng Lạc Dương" in page.inner_text("#wall-alert")
    assert "Cháy rừng Lạc Dương" in page.inner_text("#wall-ticker")
    assert watched_page.problems() == []


def test_wall_moves_through_its_units_after_each_round_of_panels(
    site: Site, watched_page: WatchedPage
) -> None:
    watched_page.sign_in(site.live)
    page = watched_page.page
    page.goto(site.live.url + "/wall?units=W1,W3&rotate=3")
    title = "() => (document.getElementById('wall-title') || {}).innerText === %r"
    page.wait_for_function(title % "Phường Xuân Hương - Đà Lạt", timeout=15_000)
    page.wait_for_function(title % "Xã Lạc Dương", timeout=20_000)  # 3 panels × 3 s later
    assert page.inner_text("#wall-plan-pos") == "2 / 2"
    assert page.locator("#wall-panel-0.wall-panel-active").count() == 1  # a unit opens on its map
    assert page.evaluate(NO_SCROLL_JS) == [False, False]
    assert watched_page.problems() == []


def test_wall_fills_a_4k_screen_without_scrollbars(site: Site, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 3840, "height": 2160})
    site.live.sign_in(context, Role.KIOSK, "W3")  # a wall display runs on a kiosk token
    page = context.new_page()
    page.goto(site.live.url + "/wall?unit=W3")
    page.wait_for_function(
        "() => (document.getElementById('wall-title') || {}).innerText === 'Xã Lạc Dương'",
        timeout=15_000,
    )
    assert page.evaluate(NO_SCROLL_JS) == [False, False]
    clock = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('.wall-clock')).fontSize)"
    )
    assert clock >= 120  # twice the 1080p size
    context.close()
