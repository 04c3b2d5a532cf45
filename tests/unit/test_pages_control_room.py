"""Unit, wall and leader pages and the overview's new layers, as plain functions over SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import dash
import plotly.graph_objects as go
import pytest
import shapely
from flask import Flask

from ioc import cache
from ioc.aggregates import feeds
from ioc.app_context import attach
from ioc.config import Settings
from ioc.pages import leader, overview, unit, wall
from ioc.pages.overview_map import LAYER_TRACES, visibility_patch
from ioc.sim.dossier_history import backfill
from ioc.store import Store
from ioc.store.models import CitizenReport, Incident, SensorReading
from tests.scope_support import ADMIN, acting_as
from tests.unit.test_overview_callbacks import NOW, seed


def add_incident(store: Store, ident: int, status: str = "new", minutes: int = 5) -> None:
    opened = NOW - timedelta(minutes=minutes)
    with store.session() as session:
        session.add(
            Incident(
                id=ident,
                kind="smoke",
                severity="high",
                status=status,
                title=f"Khói {ident}",
                unit_code="W1",
                lon=108.4,
                lat=11.9,
                geom=shapely.Point(108.4, 11.9),
                opened_at=opened,
                updated_at=opened,
            )
        )


@pytest.fixture
def store(sqlite_store: Store) -> Iterator[Store]:
    seed(sqlite_store)
    cache.invalidate_all()
    add_incident(sqlite_store, 1, minutes=30)
    add_incident(sqlite_store, 2, minutes=5)
    add_incident(sqlite_store, 3, status="resolved", minutes=1)
    with sqlite_store.session() as session:
        session.add(
            CitizenReport(
                service_code="moi-truong",
                status="received",
                lon=108.4,
                lat=11.9,
                geom=shapely.Point(108.4, 11.9),
                unit_code="W1",
                created_at=NOW - timedelta(hours=3),
                updated_at=NOW,
                onsite_due_at=NOW - timedelta(hours=1),
                result_due_at=NOW + timedelta(hours=3),
            )
        )
        session.add(
            SensorReading(
                msg_id="s1",
                station_id="QT-1",
                quantity="rain_mm",
                value=12.5,
                unit="mm",
                lon=108.5,
                lat=12.0,
                observed_at=NOW,
            )
        )
    flask_app = Flask("test")
    attach(flask_app, Settings(), sqlite_store)
    with acting_as(flask_app, ADMIN):
        yield sqlite_store


def test_open_incidents_newest_first_without_closed_ones(store: Store) -> None:
    with store.session() as session:
        items = feeds.open_incidents(session)
    assert [item.id for item in items] == [2, 1]


def test_overview_has_every_layer_and_toggles_them_by_patch(store: Store) -> None:
    figure = overview.refresh_at(NOW, None, "vi")["figure"]
    assert isinstance(figure, go.Figure)
    metas = [trace.meta for trace in figure.data]
    assert metas[5:] == ["cones", "reports", "sensors", "incidents-halo", "incidents"]
    assert list(figure.data[9].customdata) == [2, 1]
    assert list(figure.data[7].customdata) == ["QT-1"]
    operations = visibility_patch(["cameras"]).to_plotly_json()["operations"]
    hidden = {op["location"][1] for op in operations if op["params"]["value"] is False}
    assert hidden == {*LAYER_TRACES["reports"], *LAYER_TRACES["sensors"], 8, 9}


def test_a_new_incident_patches_only_its_layer(store: Store) -> None:
    version = overview.refresh_at(NOW, None, "vi")["version"]
    add_incident(store, 4, minutes=0)
    result = overview.refresh_at(NOW, version, "vi")
    locations = {op["location"][1] for op in result["figure"].to_plotly_json()["operations"]}
    assert locations == {8, 9}
    assert "Khói 4" in str(result["incidents"].to_plotly_json())
    assert result["online"] is dash.no_update  # cameras did not change


def test_metric_falls_back_to_camera_counts_without_dossiers(store: Store) -> None:
    picked = overview.pick_metric_at(NOW, "total", "vi")
    patch, ranking = picked["figure"], picked["ranking"]
    trace = patch.to_plotly_json()["operations"][0]["params"]["value"]
    assert list(trace["z"]) == [1.0, 0.0, 2.0]  # cameras in W1, W2, W3
    assert "Chưa có số liệu" in str(ranking)


def test_unit_page_lists_its_cameras_reports_and_incidents(store: Store) -> None:
    result = unit.refresh_at(NOW, None, "W1", "vi")
    figure, title = result["figure"], result["title"]
    cameras, reports, incidents = result["cameras"], result["reports"], result["incidents"]
    assert isinstance(figure, go.Figure) and title == "Phường Xuân Hương - Đà Lạt"
    assert "Chưa có ảnh chụp" in str(cameras)  # no snapshot yet
    assert "Có mặt: quá hạn 1 giờ 00 phút" in str(reports)  # nobody on site yet
    assert "Khói 2" in str(incidents)
    assert unit.refresh_at(NOW, result["version"], "W1", "vi")["figure"] is dash.no_update
    missing = unit.refresh_at(NOW, None, "nope", "vi")["title"]
    assert "Không tìm thấy đơn vị mã nope" in missing


def test_wall_raises_an_alert_only_for_incidents_it_has_not_seen(store: Store) -> None:
    first = wall.refresh_at(NOW, None, None, None, "vi")
    assert first["alert"] is dash.no_update and first["seen"] == 2  # first look: no alert
    add_incident(store, 5, minutes=0)
    again = wall.refresh_at(NOW, first["version"], first["seen"], None, "vi")
    assert "SỰ CỐ MỚI" in str(again["alert"]) and "Khói 5" in str(again["alert"])
    assert again["alert_until"] > NOW.timestamp() * 1000 and again["seen"] == 5
    assert len(again["ticker"]) <= 8  # the ticker is bounded


def test_wall_rotation_time_is_checked() -> None:
    assert wall.rotate_ms("2") == 3000 and wall.rotate_ms(None) == 20_000
    assert wall.rotate_ms("45") == 45_000


def test_leader_ranks_units_and_exports_csv(store: Store) -> None:
    backfill(store, ["W1", "W2", "W3"], (NOW - timedelta(days=70)).date(), NOW.date())
    answer = leader.refresh_at(NOW, "month", "total", "vi")
    table, figure, config, period = (answer[k] for k in ("table", "figure", "config", "period"))
    rows = table.to_plotly_json()["props"]["children"][1].children
    assert len(rows) == 3 and period == "Kỳ 2026-03 (chưa hết kỳ)"  # the running month
    assert config["toImageButtonOptions"]["filename"] == "ioc-lam-dong-total-month-2026-03"
    assert figure["data"][0]["name"] == "Toàn tỉnh" and len(figure["data"][0]["x"]) == 8
    assert figure["data"][0]["x"][-1] == "2026-03 (chưa hết kỳ)" != figure["data"][0]["x"][-2]
    go.Figure(figure)  # a figure plotly accepts, property by property
    sent = leader.export_at(NOW, "week", "total", "vi")
    assert sent["filename"].startswith("xep-hang-total-week-2026-W")
    assert sent["content"].startswith("\ufeffrank,unit_code")
    assert sent["content"].count("\n") == 4


def test_wall_moving_to_another_unit_redraws_it_without_an_alert(store: Store) -> None:
    first = wall.refresh_at(NOW, None, None, None, "vi")
    add_incident(store, 4, minutes=0)  # new, in W1: on a wall that stays, it would alert
    moved = wall.refresh_at(NOW, first["version"], first["seen"], "W1", "vi")
    assert isinstance(moved["figure"], go.Figure)  # the whole map of the new unit, not a patch
    assert moved["title"] == "Phường Xuân Hương - Đà Lạt"
    assert moved["alert"] is dash.no_update and moved["alert_until"] is dash.no_update  # no alert
    assert moved["seen"] == 4 and moved["version"]["unit"] == "W1"
    stays = wall.refresh_at(NOW, moved["version"], moved["seen"], "W1", "vi")
    assert stays["figure"] is dash.no_update  # nothing changed since


def test_a_4k_wall_draws_its_markers_twice_as_big(store: Store) -> None:
    def sizes(figure: go.Figure) -> list[Any]:
        return [trace.marker.size for trace in figure.data if trace.meta == "incidents"]

    full_hd = wall.refresh_at(NOW, None, None, None, "vi", [1920, 1080])["figure"]
    four_k = wall.refresh_at(NOW, None, None, None, "vi", [3840, 2160])["figure"]
    assert sizes(full_hd) == [26] and sizes(four_k) == [52]
