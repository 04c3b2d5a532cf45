"""The overview page and the shell, called as plain functions over a real SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import dash
import plotly.graph_objects as go
import pytest
from flask import Flask

from ioc.app_context import attach
from ioc.config import Settings
from ioc.pages import overview
from ioc.store import Store
from ioc.store.models import Camera
from ioc.web.app import create_app, header_texts
from testkit.auth_support import signed_in_client
from testkit.overview_support import seed_units_and_cameras
from tests.scope_support import ADMIN, acting_as

NOW = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)  # 08:00 in Lâm Đồng


def seed(store: Store) -> None:
    """The page tests' small province: cam-1 online, cam-2 offline, cam-3 in alarm at NOW."""
    with store.session() as session:
        seed_units_and_cameras(session)
        session.flush()
        touch(session.get(Camera, "cam-1"), heartbeat=NOW - timedelta(seconds=5))
        touch(session.get(Camera, "cam-3"), heartbeat=NOW, detection=NOW - timedelta(seconds=30))


def touch(camera: Camera | None, heartbeat: datetime, detection: datetime | None = None) -> None:
    assert camera is not None
    camera.last_heartbeat_at = heartbeat
    camera.last_detection_at = detection
    camera.updated_at = heartbeat


@pytest.fixture
def app_context(sqlite_store: Store) -> Iterator[Store]:
    """A Flask app context carrying the settings and a seeded SQLite store."""
    seed(sqlite_store)
    flask_app = Flask("test")
    attach(flask_app, Settings(), sqlite_store)
    with acting_as(flask_app, ADMIN):
        yield sqlite_store


def statuses(result: dict[str, Any]) -> dict[str, str]:
    return {
        li.to_plotly_json()["props"]["data-camera-id"]: li.to_plotly_json()["props"]["data-status"]
        for li in result["camera_status"]
    }


def test_first_refresh_sends_the_whole_map_and_panel(app_context: Store) -> None:
    result = overview.refresh_at(NOW, None, "vi")
    figure, alarms, version, updated = (
        result[k] for k in ("figure", "alarms", "version", "updated")
    )
    online, offline, alarm = result["online"], result["offline"], result["alarm"]
    assert isinstance(figure, go.Figure)
    assert [tr.type for tr in figure.data] == ["choroplethmap", "scattermap"] + ["scattermap"] * 8
    assert list(figure.data[0].locations) == ["W1", "W2", "W3"]  # wards valid today
    assert figure.data[1].visible is False  # old districts hidden until asked for
    assert (online, offline, alarm) == (1, 1, 1)
    assert statuses(result) == {"cam-1": "online", "cam-2": "offline", "cam-3": "alarm"}
    assert figure.data[overview.CAMERA_TRACE_START + 2].customdata == ("cam-3",)
    assert "Rừng thông Lạc Dương" in str(alarms.to_plotly_json())
    assert version and updated == "Cập nhật lúc 08:00:00"
    style = figure.layout.map.style
    assert [layer["type"] for layer in style["layers"]] == ["background"]
    assert all(source["type"] == "geojson" for source in style["sources"].values())
    assert style["glyphs"].startswith("/")  # nothing remote


def test_nothing_changed_sends_no_figure(app_context: Store) -> None:
    version = overview.refresh_at(NOW, None, "vi")["version"]
    result = overview.refresh_at(NOW + timedelta(seconds=2), version, "vi")
    assert all(value is dash.no_update for name, value in result.items() if name != "updated")
    assert result["updated"] == "Cập nhật lúc 08:00:02"


def test_a_detection_patches_only_the_camera_traces(app_context: Store) -> None:
    version = overview.refresh_at(NOW, None, "vi")["version"]
    later = NOW + timedelta(seconds=3)
    with app_context.session() as session:
        touch(session.get(Camera, "cam-1"), heartbeat=later, detection=later)
    result = overview.refresh_at(later, version, "vi")
    patch = result["figure"]
    assert isinstance(patch, dash.Patch)
    operations = patch.to_plotly_json()["operations"]
    assert {op["location"][1] for op in operations} == {2, 3, 4, 5}  # cameras and view cones
    alarm_trace = next(op["params"]["value"] for op in operations if op["location"][1] == 4)
    assert sorted(alarm_trace["customdata"]) == ["cam-1", "cam-3"]
    assert result["alarm"] == 2 and result["version"] != version
    assert statuses(result)["cam-1"] == "alarm"


def test_alarm_list_newest_first_and_empty_state(app_context: Store) -> None:
    with app_context.session() as session:
        touch(session.get(Camera, "cam-1"), heartbeat=NOW, detection=NOW - timedelta(seconds=5))
    items = overview.refresh_at(NOW, None, "vi")["alarms"].to_plotly_json()["props"]["children"]
    assert [item.to_plotly_json()["props"]["data-camera-id"] for item in items] == [
        "cam-1",
        "cam-3",
    ]
    empty = overview.refresh_at(NOW + timedelta(hours=2), None, "vi")["alarms"]
    assert empty.children == "Không có camera nào đang báo động"
    assert (
        overview.refresh_at(NOW + timedelta(hours=2), None, "en")["alarms"].children
        == "No camera is in alarm"
    )


def test_statuses_age_without_store_changes(app_context: Store) -> None:
    version = overview.refresh_at(NOW, None, "vi")["version"]
    much_later = NOW + timedelta(minutes=20)
    result = overview.refresh_at(much_later, version, "vi")
    assert isinstance(result["figure"], dash.Patch)
    assert (result["online"], result["offline"], result["alarm"]) == (0, 3, 0)


def test_english_legend_and_districts_shown_on_request(app_context: Store) -> None:
    figure = overview.refresh_at(NOW, None, "en", show_districts=True)["figure"]
    assert [tr.name for tr in figure.data[2:5]] == ["Offline", "Online", "Alarm"]
    assert figure.data[1].visible is True
    assert None in figure.data[1].lon


def test_district_toggle_is_a_small_patch() -> None:
    operations = overview.toggle_districts(["on"]).to_plotly_json()["operations"]
    assert operations == [
        {"operation": "Assign", "location": ["data", 1, "visible"], "params": {"value": True}}
    ]
    hidden = overview.toggle_districts([]).to_plotly_json()["operations"][0]
    assert hidden["params"]["value"] is False


def test_layout_is_a_skeleton_with_prefixed_ids(app_context: Store) -> None:
    page = overview.layout(lang="en")
    for component_id in ("overview-map", "overview-count-alarm", "overview-alarms"):
        assert page[component_id].id == component_id
    assert page["overview-interval"].interval == 2000  # web.refresh_s = 2 s
    assert page["overview-version"].data is None  # the first refresh sends the whole map
    assert "Show district boundaries" in str(page.to_plotly_json())


def test_header_texts_follow_the_language() -> None:
    assert header_texts("en")["title"] == "Lâm Đồng Province Intelligent Operations Center"
    assert header_texts("vi")["title"] == "Trung tâm Giám sát, điều hành thông minh tỉnh Lâm Đồng"
    assert header_texts(None)["subtitle"] == "Ủy ban nhân dân tỉnh Lâm Đồng"


def test_app_serves_health_and_page_offline(sqlite_store: Store) -> None:
    app = create_app(Settings(), sqlite_store)
    client = signed_in_client(app.server)
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json() == {"status": "ok"}
    index = client.get("/").get_data(as_text=True)
    assert "Trung tâm Giám sát, điều hành thông minh tỉnh Lâm Đồng" in index
    assert "/assets/ioc.css" in index
    for tag in ('src="http', 'href="http', "fonts.googleapis", "cdn."):
        assert tag not in index
    assert dash.page_registry["ioc.pages.overview"]["path"] == "/"
    assert client.get("/assets/ioc.css").status_code == 200
