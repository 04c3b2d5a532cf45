"""Unit scope inside the pages' callbacks, on both real stores: the real callback functions,
called in a request context carrying a principal (what the sign-in gate leaves there).

Đà Lạt (672) was dissolved on 1 July 2025; its operator must see the wards that replaced
it (Xuân Hương, 24781) and nothing of Bảo Lộc (673; Phường 1 Bảo Lộc, 24823).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dash
import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from ioc import cache
from ioc.app_context import attach
from ioc.audit.log import verify
from ioc.auth.accounts import set_team
from ioc.auth.principal import Principal
from ioc.auth.user_roles import Role
from ioc.config import Settings
from ioc.pages import (
    field,
    incident_desk,
    kpi,
    leader,
    overview,
    reports,
    system,
    unit,
    wall,
)
from ioc.store import Store
from ioc.store.models import CitizenReport, Incident
from ioc.store.models_audit import AuditEntry
from ioc.store.models_incidents import IncidentEvent, NotificationDelivery
from ioc.store.models_reports import ReportStatusChange
from ioc.web.files import snapshot
from testkit.auth_support import add_account
from tests.scope_support import (
    ADMIN,
    BAO_LOC,
    DA_LAT,
    LEADER,
    NOW,
    PHUONG_1_BAO_LOC,
    XUAN_HUONG,
    TwoCities,
    acting_as,
    seed_two_cities,
    unit_principal,
)

DENIED = "Không có quyền"


@pytest.fixture
def city(store: Store, tmp_path: Path) -> Iterator[tuple[Flask, TwoCities]]:
    cache.invalidate_all()
    seeded = seed_two_cities(store, tmp_path)
    server = Flask("scope-test")
    attach(server, Settings(var_dir=tmp_path), store)
    yield server, seeded


def dump(value: Any) -> str:
    """A callback's answer as the text the browser would receive."""

    def encode(obj: Any) -> Any:
        if hasattr(obj, "to_plotly_json"):
            return obj.to_plotly_json()
        return repr(obj)

    return json.dumps(value, default=encode, ensure_ascii=False)


def operator(store: Store, code: str = DA_LAT) -> Principal:
    return unit_principal(store, f"operator.{code}", Role.OPERATOR, code)


def field_staff(store: Store) -> Principal:
    return unit_principal(store, "field.672", Role.FIELD, DA_LAT)


def test_da_lat_scope_reaches_its_wards_and_not_bao_loc(store: Store, city: Any) -> None:
    principal = operator(store)
    assert principal.sees_unit(XUAN_HUONG) and principal.sees_unit(DA_LAT)
    assert not principal.sees_unit(PHUONG_1_BAO_LOC) and not principal.sees_unit(BAO_LOC)


def test_unit_page_refuses_a_unit_out_of_scope(store: Store, city: Any) -> None:
    server, _ = city
    with acting_as(server, operator(store)):
        mine = unit.refresh_at(NOW, None, XUAN_HUONG, "vi")
        assert mine["title"] == "Phường Xuân Hương - Đà Lạt" and "Khói Đà Lạt" in dump(mine)
        assert "QT-DL" in dump(mine["figure"]) and "QT-BL" not in dump(
            mine["figure"]
        )  # the map's gauges
        forged = unit.refresh_at(NOW, None, PHUONG_1_BAO_LOC, "vi")
        assert DENIED in dump(forged["title"])
        assert "Bảo Lộc" not in dump(forged) and "CAM-BL" not in dump(forged)
        skeleton = dump(unit.layout(code=PHUONG_1_BAO_LOC))  # ids only: the gate decides
        assert '"unit-map"' in skeleton and "Bảo Lộc" not in skeleton
        assert DENIED in dump(unit.refresh_at(NOW, None, ["24823"], "vi")["title"])  # type: ignore[arg-type]
    with acting_as(server, LEADER):
        assert "Khói Bảo Lộc" in dump(unit.refresh_at(NOW, None, PHUONG_1_BAO_LOC, "vi"))
    with acting_as(server, None):
        assert DENIED in dump(unit.refresh_at(NOW, None, XUAN_HUONG, "vi")["title"])


def test_wall_shows_the_principal_unit_and_refuses_others(store: Store, city: Any) -> None:
    server, _ = city
    with acting_as(server, operator(store, BAO_LOC)):
        own = wall.refresh_at(NOW, None, None, None, "vi")
        assert own["title"] == "Thành phố Bảo Lộc"  # no ?unit=: its own unit, not the province
        forged = wall.refresh_at(NOW, None, None, XUAN_HUONG, "vi")
        assert DENIED in dump(forged["title"]) and "Xuân Hương" not in dump(forged)
    kiosk = unit_principal(store, "kiosk:DL", Role.KIOSK, DA_LAT)
    with acting_as(server, kiosk):
        ward = wall.refresh_at(NOW, None, None, XUAN_HUONG, "vi")
        assert ward["title"] == "Phường Xuân Hương - Đà Lạt" and "Khói Đà Lạt" in dump(
            ward["incidents"]
        )
        ranked = dump(ward["ranking"])
        assert "Bảo Lộc" not in ranked and "Bảo Lộc" not in dump(ward)
        assert "QT-BL" not in dump(ward)
    with acting_as(server, LEADER):
        province = wall.refresh_at(NOW, None, None, None, "vi")
        assert "Khói Bảo Lộc" in dump(province["incidents"]) and "Khói Đà Lạt" in dump(
            province["incidents"]
        )


def test_field_list_comes_from_the_principal_not_the_query(store: Store, city: Any) -> None:
    server, seeded = city
    with acting_as(server, operator(store)):
        listed = dump(field.refresh(None, None, PHUONG_1_BAO_LOC, None, "vi")["list"])
        assert "Khói Đà Lạt" in listed and "Bảo Lộc" not in listed
        page = dump(field.layout(unit=PHUONG_1_BAO_LOC))
        assert "operator.672" in page and '"field-unit", "data": ""' in page  # ?unit= ignored
    with acting_as(server, field_staff(store)):
        answer = field.refresh(None, None, None, None, "vi")
        listed = dump(answer["list"])
        assert (
            answer["unit_label"] == "Sự cố của đơn vị Thành phố Đà Lạt và sự cố giao cho bạn"
        )  # named
        assert "Khói Đà Lạt" in listed and "Cháy Bảo Lộc (giao)" in listed
        assert "Khói Bảo Lộc" not in listed
    with acting_as(server, ADMIN):
        answer = field.refresh(None, None, PHUONG_1_BAO_LOC, None, "vi")
        narrowed = dump(answer["list"])
        assert "Khói Bảo Lộc" in narrowed and "Khói Đà Lạt" not in narrowed
        assert answer["unit_label"] == "Đơn vị: Phường 1 Bảo Lộc"
    with acting_as(server, LEADER):
        everything = field.refresh(None, None, None, None, "vi")["list"]
        assert "Khói Bảo Lộc" in dump(everything)
        assert "field-action" not in dump(everything)  # a leader gets no buttons
    with acting_as(server, operator(store)):
        mine = dump(field.refresh(None, None, None, None, "vi")["list"])
        assert f'"incident": {seeded.incident_dl}, "action": "acknowledge"' in mine


def status_of(store: Store, incident_id: int) -> str:
    with store.session() as session:
        row = session.get(Incident, incident_id)
        assert row is not None
        return row.status


def test_field_actions_are_checked_and_signed_by_the_principal(store: Store, city: Any) -> None:
    server, seeded = city
    with acting_as(server, operator(store)):
        refused = field.perform(seeded.incident_bl, "acknowledge", "vi")
        assert "không tìm thấy sự cố" in refused
        done = field.perform(seeded.incident_dl, "acknowledge", "vi")
        assert "Đã ghi nhận" in done
    with acting_as(server, LEADER):
        assert "không có quyền" in field.perform(seeded.incident_bl, "acknowledge", "vi")
    with acting_as(server, field_staff(store)):
        assert "Đã ghi nhận" in field.perform(seeded.incident_bl_assigned, "resolve", "vi")
        assert "không tìm thấy" in field.perform(seeded.incident_bl, "acknowledge", "vi")
    assert status_of(store, seeded.incident_bl) == "new"
    assert status_of(store, seeded.incident_dl) == "acknowledged"
    assert status_of(store, seeded.incident_bl_assigned) == "resolved"
    with store.session() as session:
        actors = {e.incident_id: e.actor for e in session.scalars(select(IncidentEvent))}
        audit = {(a.target, a.actor) for a in session.scalars(select(AuditEntry))}
        assert verify(session).ok
    assert actors == {seeded.incident_dl: "operator.672", seeded.incident_bl_assigned: "field.672"}
    assert (f"incident:{seeded.incident_dl}", "operator.672") in audit


def test_incident_desk_is_checked_on_the_server(store: Store, city: Any) -> None:
    """The desk of /unit and /: a forged press for another unit's incident, or a dispatch
    to another unit's officer, fails like a forged field-page press; viewers get nothing."""
    server, seeded = city
    add_account(store, Role.FIELD, DA_LAT, username="canbo.dalat")
    add_account(store, Role.FIELD, BAO_LOC, username="canbo.baoloc")
    with store.session() as session:
        set_team(session, "canbo.dalat", "Rừng 1")
    with acting_as(server, operator(store)):
        assert '"unit-desk-open"' in dump(unit.refresh_at(NOW, None, XUAN_HUONG, "vi"))
        hidden = incident_desk.opened(seeded.incident_bl, "vi")
        assert hidden["hidden"] is True and "không tìm thấy sự cố" in hidden["status"]
        shown = incident_desk.opened(seeded.incident_dl, "vi")
        values = [option["value"] for option in shown["options"]]
        assert "team:Rừng 1" in values and "canbo.dalat" in values
        assert "canbo.baoloc" not in values and shown["hidden"] is False
        act = incident_desk.act
        assert "không tìm thấy sự cố" in act(
            "dispatch", seeded.incident_bl, "canbo.baoloc", "", "vi"
        )
        assert "không thuộc đơn vị" in act("dispatch", seeded.incident_dl, "canbo.baoloc", "", "vi")
        assert "cần ghi lý do" in act("false_alarm", seeded.incident_dl, None, " ", "vi")
        assert "Đã ghi nhận" in act("dispatch", seeded.incident_dl, "team:Rừng 1", "", "vi")
    with acting_as(server, ADMIN):  # the province overview's desk: for who may change
        assert '"overview-desk-open"' in dump(overview.refresh_at(NOW, None, "vi"))
    with acting_as(server, LEADER):
        assert "desk-open" not in dump(overview.refresh_at(NOW, None, "vi"))
    for principal in (LEADER, unit_principal(store, "xem.672", Role.VIEWER, DA_LAT)):
        with acting_as(server, principal):
            assert "desk-open" not in dump(unit.refresh_at(NOW, None, XUAN_HUONG, "vi"))
            assert "không" in act("resolve", seeded.incident_dl, None, "", "vi")
    team_member = Principal("canbo.dalat", Role.FIELD, DA_LAT, frozenset({"x"}), team="Rừng 1")
    with acting_as(server, team_member):  # out of its scope, but dispatched to its team
        assert "Đã ghi nhận" in field.perform(seeded.incident_dl, "resolve", "vi")
    with store.session() as session:
        incident = session.get(Incident, seeded.incident_dl)
        assert incident is not None and incident.assignee == "team:Rừng 1"
        assert incident.status == "resolved"
        assert session.get(Incident, seeded.incident_bl).status == "new"  # type: ignore[union-attr]
        notices = session.scalars(select(NotificationDelivery)).all()
        assert all(n.incident_id == seeded.incident_dl for n in notices)


def test_reports_list_and_actions_in_scope_with_audit(store: Store, city: Any) -> None:
    server, seeded = city
    with acting_as(server, operator(store)):
        answer = reports.refresh_at(NOW, None, None, None, "vi")
        cards, table, units = answer["kpis"], answer["table"], answer["units"]
        assert "Rác ở Đà Lạt" in dump(table) and "Bảo Lộc" not in dump(table)
        assert [o["value"] for o in units] == [XUAN_HUONG]
        assert '"received"' in dump(cards) or "1" in dump(cards)
        forged = reports.refresh_at(NOW, PHUONG_1_BAO_LOC, None, None, "vi")
        assert DENIED in dump(forged["table"]) and "Bảo Lộc" not in dump(forged)
        assert reports.apply_action(seeded.report_bl, "assigned", NOW) == "unknown"
        assert reports.apply_action(seeded.report_dl, "resolved", NOW, "test") is None
    with acting_as(server, LEADER):
        every = dump(reports.refresh_at(NOW, None, None, None, "vi")["table"])
        assert "Rác ở Bảo Lộc" in every and "reports-action" not in every
        assert reports.apply_action(seeded.report_bl, "assigned", NOW) == "forbidden"
    with store.session() as session:
        statuses = dict(session.execute(select(CitizenReport.id, CitizenReport.status)).all())
        changes = session.scalars(select(ReportStatusChange)).all()
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "report.status"))
        audit = [(a.actor, a.target, a.detail, a.client) for a in entries]
        assert verify(session).ok
    assert statuses == {seeded.report_dl: "resolved", seeded.report_bl: "received"}
    assert [(c.report_id, c.actor, c.to_status) for c in changes] == [
        (seeded.report_dl, "operator.672", "resolved")
    ]
    assert audit == [
        (
            "operator.672",
            f"report:{seeded.report_dl}",
            {"from": "received", "to": "resolved", "note": ""},
            "test",
        )
    ]


def test_province_pages_refuse_a_unit_operator(store: Store, city: Any) -> None:
    server, _ = city
    with acting_as(server, operator(store)):
        answers = [
            overview.refresh_at(NOW, None, "vi"),
            leader.refresh_at(NOW, "month", "total", "vi"),
            kpi.refresh(None, None, None, "vi"),
            system.refresh(None, "vi"),
        ]
        for answer in answers:
            text = dump(answer)
            assert "chỉ dành cho tài khoản cấp tỉnh" in text
            assert "Bảo Lộc" not in text and "Xuân Hương" not in text
        assert leader.export_at(NOW, "month", "total", "vi") is dash.no_update
        with pytest.raises(dash.exceptions.PreventUpdate):
            overview.pick_metric_at(NOW, "total", "vi")
        for page in (overview, leader, kpi, system):  # skeletons: every id, no data
            assert "Xuân Hương" not in dump(page.layout())
    with acting_as(server, LEADER):
        shown = dump(leader.refresh_at(NOW, "month", "total", "vi"))
        assert "Kỳ 2026-03" in shown and "cấp tỉnh" not in shown


def fetch(server: Flask, principal: Principal | None, relative: str) -> int:
    with acting_as(server, principal):
        try:
            response = snapshot(relative)
        except NotFound:
            return 404
        response.close()
        return response.status_code


def test_snapshot_files_follow_their_camera_or_incident(store: Store, city: Any) -> None:
    server, seeded = city
    files = seeded.files
    da_lat, field_672 = operator(store), field_staff(store)
    expected = {
        "cam_dl": (200, 404, 200, 200),
        "cam_bl": (404, 200, 404, 200),
        "field_dl": (200, 404, 200, 200),
        "field_bl": (404, 200, 404, 200),
        "field_assigned": (404, 200, 200, 200),
        "unowned": (404, 404, 404, 200),
    }
    for name, codes in expected.items():
        got = tuple(
            fetch(server, who, files[name])
            for who in (da_lat, operator(store, BAO_LOC), field_672, LEADER)
        )
        assert got == codes, name
    assert fetch(server, None, files["cam_dl"]) == 404
    assert fetch(server, LEADER, "../ioc.db") == 404


def test_stream_credentials_never_reach_a_page(store: Store, city: Any) -> None:
    server, _ = city
    answers: list[Any] = []
    for principal in (ADMIN, operator(store)):
        with acting_as(server, principal):
            answers += [
                overview.layout(),
                overview.refresh_at(NOW, None, "vi"),
                unit.layout(code=XUAN_HUONG),
                unit.refresh_at(NOW, None, XUAN_HUONG, "vi"),
                wall.layout(unit=XUAN_HUONG),
                wall.refresh_at(NOW, None, None, XUAN_HUONG, "vi"),
                field.layout(),
                field.refresh(None, None, None, None, "vi"),
                reports.refresh_at(NOW, None, None, None, "vi"),
                system.refresh(None, "vi"),
                leader.refresh_at(NOW, "month", "total", "vi"),
                kpi.refresh(None, None, None, "vi"),
            ]
    text = dump(answers)
    assert "CAM-DL" in text or "Hồ Xuân Hương" in text  # the cameras are there...
    for secret in ("S3cr3t", "camuser", "rtsp://", "10.1.1.5"):
        assert secret not in text  # ...but never their stream


def test_a_former_district_page_shows_what_its_2025_wards_hold(store: Store, city: Any) -> None:
    """Đà Lạt (672) was dissolved in 2025; its camera, incident and report are stamped with
    the ward Xuân Hương. The unit page and the wall of 672 show them, and nothing of Bảo Lộc."""
    server, seeded = city
    with acting_as(server, operator(store)):
        page = dump(unit.refresh_at(NOW, None, DA_LAT, "vi"))
        wall_screen = dump(wall.refresh_at(NOW, None, None, DA_LAT, "vi"))
    for shown in (page, wall_screen):
        assert "Khói Đà Lạt" in shown and "Hồ Xuân Hương" in shown
        assert "Bảo Lộc" not in shown and DENIED not in shown
    assert f'"data-report-id": "{seeded.report_dl}"' in page
    assert f'"data-report-id": "{seeded.report_bl}"' not in page
