"""The overview page in a real Chromium: map, offline serving, language switch, live alarm."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import shapely

from ioc.config import Settings
from ioc.store import Store, open_store
from ioc.store.cameras import CameraSpec, upsert_cameras
from ioc.store.migrate import upgrade
from ioc.store.models import Camera
from ioc.store.units import UnitRecord, insert_units
from ioc.timeutil import utcnow
from ioc.web.app import create_app
from tests.e2e.conftest import LiveServer, WatchedPage

pytestmark = pytest.mark.e2e

TITLE_VI = "Trung tâm Giám sát, điều hành thông minh tỉnh Lâm Đồng"
TITLE_EN = "Lâm Đồng Province Intelligent Operations Center"

# The plotly figure as the browser holds it, one summary per trace.
FIGURE_JS = """() => {
    const graph = document.getElementById('overview-map');
    const gd = graph && graph.querySelector('.js-plotly-plot');
    if (!gd || !gd.data) return null;
    return gd.data.map(t => ({
        type: t.type, meta: t.meta || null, name: t.name, visible: t.visible,
        ids: t.customdata ? Array.from(t.customdata) : [],
        locations: t.locations ? Array.from(t.locations) : [],
    }));
}"""
TRACES = 10  # units, districts, 3 camera statuses, cones, reports, sensors, incident halo+core
FILLED_JS = f"() => {{ const d = ({FIGURE_JS})(); return d !== null && d.length === {TRACES}; }}"


def box(x0: float, y0: float, x1: float, y1: float) -> shapely.MultiPolygon:
    return shapely.MultiPolygon([shapely.box(x0, y0, x1, y1)])


def seed(store: Store, now: datetime) -> None:
    """Two pre-2025 districts, three wards, three cameras: online, offline and alarm."""
    old, new = (date(2004, 1, 1), date(2025, 6, 30)), date(2025, 7, 1)
    with store.session() as session:
        insert_units(
            session,
            [
                UnitRecord(
                    "D1", "Thành phố Đà Lạt", "district", box(108.3, 11.8, 108.6, 12.1), *old
                ),
                UnitRecord(
                    "D2", "Huyện Lạc Dương", "district", box(108.3, 12.1, 108.7, 12.4), *old
                ),
                UnitRecord(
                    "W1", "Phường Xuân Hương", "commune", box(108.3, 11.8, 108.45, 12.1), new
                ),
                UnitRecord("W2", "Phường Lâm Viên", "commune", box(108.45, 11.8, 108.6, 12.1), new),
                UnitRecord("W3", "Xã Lạc Dương", "commune", box(108.3, 12.1, 108.7, 12.4), new),
            ],
        )
        upsert_cameras(
            session,
            [
                CameraSpec("cam-1", "Hồ Xuân Hương", 108.44, 11.94, "W1"),
                CameraSpec("cam-2", "Đỉnh Langbiang", 108.44, 12.15, "W3"),
                CameraSpec("cam-3", "Rừng thông Lạc Dương", 108.55, 12.25, "W3"),
            ],
        )
        session.flush()
        for camera_id, detected in (("cam-1", None), ("cam-3", now - timedelta(seconds=20))):
            camera = session.get(Camera, camera_id)
            assert camera is not None
            camera.last_heartbeat_at = camera.updated_at = now
            camera.last_detection_at = detected


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
    watched.origin = site.live.url
    page = watched.page
    page.goto(site.live.url + "/")
    page.wait_for_function(FILLED_JS, timeout=15_000)
    return page


def trace_of(figure: list[dict[str, Any]], status: str) -> dict[str, Any]:
    return next(trace for trace in figure if trace["meta"] == status)


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
