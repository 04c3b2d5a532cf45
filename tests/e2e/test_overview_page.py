"""The overview page in a real Chromium: map, offline serving, language switch, live alarm."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ioc.config import Settings
from ioc.store import Store, open_store
from ioc.store.migrate import upgrade
from ioc.store.models import Camera
from ioc.timeutil import utcnow
from ioc.web.app import create_app
from testkit.overview_support import FIGURE_JS, FILLED_JS, TRACES, seed, trace_of
from tests.e2e.conftest import LiveServer, WatchedPage

pytestmark = pytest.mark.e2e

TITLE_VI = "Trung tâm Giám sát, điều hành thông minh tỉnh Lâm Đồng"
TITLE_EN = "Lâm Đồng Province Intelligent Operations Center"


@dataclass
class Site:
    store: Store
    live: LiveServer


@pytest.fixture
def site(tmp_path: Path, serve: Callable[[Any], LiveServer]) -> Any:
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    seed(store, utcnow())
    settings = Settings(var_dir=tmp_path, web={"refresh_s": 1.0})
    yield Site(store, serve(create_app(settings, store).server))
    store.dispose()


def open_overview(watched: WatchedPage, site: Site) -> Any:
    watched.sign_in(site.live)
    page = watched.page
    page.goto(site.live.url + "/")
    page.wait_for_function(FILLED_JS, timeout=15_000)
    return page


def test_map_shows_boundaries_and_cameras_without_errors(
    site: Site, watched_page: WatchedPage
) -> None:
    page = open_overview(watched_page, site)
    figure = page.evaluate(FIGURE_JS)
    assert [t["type"] for t in figure] == ["choroplethmap"] + ["scattermap"] * (TRACES - 1)
    assert figure[0]["locations"] == ["W1", "W2", "W3"]
    assert trace_of(figure, "online")["ids"] == ["cam-1"]
    assert trace_of(figure, "offline")["ids"] == ["cam-2"]
    assert trace_of(figure, "alarm")["ids"] == ["cam-3"]
    assert trace_of(figure, "alarm")["name"] == "Báo động"
    assert page.locator(".overview-map-wrap canvas").count() >= 1  # the map really drew
    assert page.inner_text("#overview-count-alarm") == "1"
    assert "Rừng thông Lạc Dương" in page.inner_text("#overview-alarms")
    page.wait_for_timeout(1500)  # a few live refreshes
    assert watched_page.problems() == []


def test_wall_display_layout_has_no_scrollbars_and_big_counters(
    site: Site, watched_page: WatchedPage
) -> None:
    page = open_overview(watched_page, site)
    overflow = page.evaluate(
        "() => [document.documentElement.scrollWidth > innerWidth,"
        " document.documentElement.scrollHeight > innerHeight]"
    )
    assert overflow == [False, False]
    size = page.evaluate(
        "() => parseFloat(getComputedStyle("
        "document.getElementById('overview-count-online')).fontSize)"
    )
    assert size >= 48


def test_district_toggle_shows_old_boundaries(site: Site, watched_page: WatchedPage) -> None:
    page = open_overview(watched_page, site)
    assert page.evaluate(FIGURE_JS)[1]["visible"] is False
    page.locator("#overview-districts label").click()
    page.wait_for_function(f"() => ({FIGURE_JS})()[1].visible === true", timeout=5_000)
    assert watched_page.problems() == []


def test_language_switch_changes_texts_and_is_remembered(
    site: Site, watched_page: WatchedPage
) -> None:
    page = open_overview(watched_page, site)
    assert page.inner_text("#shell-title") == TITLE_VI
    page.locator("#shell-lang-switch label", has_text="EN").click()
    page.wait_for_function(
        f"() => document.getElementById('shell-title').innerText === {TITLE_EN!r}", timeout=5_000
    )
    page.wait_for_function(
        f"() => {{ const d = ({FIGURE_JS})();"
        f" return d && d.length === {TRACES} && d[4].name === 'Alarm'; }}",
        timeout=10_000,
    )
    assert "No camera" not in page.inner_text("#overview-alarms")
    assert page.inner_text(".overview-heading >> nth=0").upper() == "SURVEILLANCE CAMERAS"
    page.reload()
    page.wait_for_function(FILLED_JS, timeout=15_000)
    page.wait_for_function(
        f"() => document.getElementById('shell-title').innerText === {TITLE_EN!r}", timeout=5_000
    )
    page.wait_for_function(f"() => document.title === {TITLE_EN!r}", timeout=5_000)
    assert watched_page.problems() == []


def test_detection_moves_marker_to_alarm_trace_within_5_s(
    site: Site, watched_page: WatchedPage
) -> None:
    page = open_overview(watched_page, site)
    assert trace_of(page.evaluate(FIGURE_JS), "online")["ids"] == ["cam-1"]
    now = utcnow()
    with site.store.session() as session:
        camera = session.get(Camera, "cam-1")
        assert camera is not None
        camera.last_detection_at = camera.updated_at = now
    page.wait_for_function(
        f"() => {{ const d = ({FIGURE_JS})();"
        " const alarm = d.find(t => t.meta === 'alarm');"
        " return alarm.ids.includes('cam-1'); }",
        timeout=5_000,
    )
    figure = page.evaluate(FIGURE_JS)
    assert sorted(trace_of(figure, "alarm")["ids"]) == ["cam-1", "cam-3"]
    assert trace_of(figure, "online")["ids"] == []
    status = page.get_attribute("#overview-camera-status li[data-camera-id='cam-1']", "data-status")
    assert status == "alarm"
    assert page.inner_text("#overview-count-alarm") == "2"
    assert page.inner_text("#overview-alarms").index("Hồ Xuân Hương") < page.inner_text(
        "#overview-alarms"
    ).index("Rừng thông Lạc Dương")  # newest first
    assert watched_page.problems() == []


def test_layer_switch_hides_and_shows_the_camera_layer(
    site: Site, watched_page: WatchedPage
) -> None:
    page = open_overview(watched_page, site)
    assert page.evaluate(FIGURE_JS)[4]["visible"] is True
    page.locator("#overview-layers label", has_text="Camera").click()
    page.wait_for_function(f"() => ({FIGURE_JS})()[4].visible === false", timeout=5_000)
    assert page.evaluate(FIGURE_JS)[9]["visible"] is True  # incidents stay
    page.locator("#overview-layers label", has_text="Camera").click()
    page.wait_for_function(f"() => ({FIGURE_JS})()[4].visible === true", timeout=5_000)
    assert watched_page.problems() == []


COUNTER_BOX = """() => {
  const r = document.getElementById('overview-count-online').getBoundingClientRect();
  const d = document.documentElement;
  return [r.width, r.height, d.scrollWidth > innerWidth, d.scrollHeight > innerHeight];
}"""


def test_a_4k_wall_shows_the_1080p_picture_twice_as_large(
    site: Site, watched_page: WatchedPage
) -> None:
    """At 3840×2160 the overview is the 1080p layout drawn at twice the size (readable
    from as far), not a small picture in a corner, and nothing scrolls."""
    page = open_overview(watched_page, site)
    width, height, *_ = page.evaluate(COUNTER_BOX)
    page.set_viewport_size({"width": 3840, "height": 2160})
    page.wait_for_timeout(500)
    width_4k, height_4k, wide, tall = page.evaluate(COUNTER_BOX)
    assert width_4k == pytest.approx(2 * width, rel=0.05)
    assert height_4k == pytest.approx(2 * height, rel=0.05)
    assert (wide, tall) == (False, False)
    # the map draws at the wall's own resolution, not at 1080p stretched (wall_pixels.js)
    page.wait_for_function(f"() => ({MAP_PIXELS})()[0] >= 1.9", timeout=10_000)
    assert watched_page.problems() == []


MAP_PIXELS = """() => {
  const canvas = document.querySelector('canvas.maplibregl-canvas');
  return canvas ? [canvas.width / canvas.clientWidth, devicePixelRatio] : [0, devicePixelRatio];
}"""


def test_a_1080p_wall_keeps_one_pixel_per_pixel(site: Site, watched_page: WatchedPage) -> None:
    page = open_overview(watched_page, site)
    page.wait_for_function(f"() => ({MAP_PIXELS})()[0] > 0", timeout=10_000)
    assert page.evaluate(MAP_PIXELS) == [1, 1]
