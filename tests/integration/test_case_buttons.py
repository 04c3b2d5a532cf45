"""Opening a violation case where it is decided, on both real stores: from a citizen report's
decision panel (``/reports``), from the incident desk (``/unit/<code>``, ``/``), and the
province overview's open-case summary. Rights are those of ``/vu-viec``: forged callbacks
for another unit's report or incident, and every read-only role, are refused, as plain
functions and over real HTTP.

Đà Lạt (672, ward Xuân Hương 24781) and Bảo Lộc (673, Phường 1 Bảo Lộc 24823) from
:func:`tests.scope_support.seed_two_cities`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import dash
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ioc.app_context import attach
from ioc.auth.user_roles import Role
from ioc.config import Settings
from ioc.pages import desk_cases, overview
from ioc.pages import reports as reports_page
from ioc.pages.report_decisions import CASE, opened
from ioc.store import Store
from ioc.store.models import CitizenReport
from ioc.store.models_audit import AuditEntry
from ioc.store.models_violations import ViolationCase
from ioc.violations.actions import open_case_as
from ioc.web.app import create_app
from testkit.auth_support import callback_body, csrf_headers, signed_in_client
from tests.integration.test_violations import dump
from tests.scope_support import (
    ADMIN,
    BAO_LOC,
    DA_LAT,
    LEADER,
    NOW,
    PHUONG_1_BAO_LOC,
    TwoCities,
    acting_as,
    callback_specs,
    seed_two_cities,
    unit_principal,
)


@pytest.fixture
def city(store: Store, tmp_path: Path) -> Iterator[tuple[Flask, TwoCities]]:
    seeded = seed_two_cities(store, tmp_path)
    server = Flask("case-buttons-test")
    attach(server, Settings(var_dir=tmp_path), store)
    yield server, seeded


def cases_of(store: Store) -> list[tuple[str, int | None, int | None, str, str]]:
    with store.session() as session:
        rows = session.scalars(select(ViolationCase).order_by(ViolationCase.id)).all()
        return [(r.origin, r.report_id, r.incident_id, r.kind, r.opened_by) for r in rows]


def confirm_case(report_id: Any, kind: Any, note: Any = "") -> dict[str, Any]:
    """The decision panel's confirmation as the browser sends it for "Mở vụ việc"."""
    answer: dict[str, Any] = reports_page.confirm(
        1, {"report": report_id, "to": CASE}, note, "", "", 0, "vi", kind
    )
    return answer


def test_an_operator_opens_a_case_from_a_report_panel_once(store: Store, city: Any) -> None:
    server, seeded = city
    with store.session() as session:
        report = session.get(CitizenReport, seeded.report_bl)
        assert report is not None
        report.service_code = "trat_tu_xay_dung"  # suggests "xây dựng không phép"
    mine = unit_principal(store, "operator.673", Role.OPERATOR, BAO_LOC)
    with acting_as(server, mine):
        table = dump(reports_page.refresh_at(NOW, None, None, None, "vi")["table"])
        assert f'"type": "reports-case", "report": {seeded.report_bl}}}' in table
        panel = opened(seeded.report_bl, CASE, "vi")
        assert panel["hidden"] is False and panel["kind_hidden"] is False
        assert panel["kind"] == "unpermitted_construction" and panel["case"] is None
        assert panel["what"] == {"report": seeded.report_bl, "to": CASE}
        assert "Phản ánh #" in panel["title"] and "Mở vụ việc" in panel["title"]
        assert "hãy chọn loại vụ việc" in dump(confirm_case(seeded.report_bl, None))
        done = confirm_case(seeded.report_bl, "unpermitted_construction", " Công trình 3 tầng ")
        assert done["changed"] == 1 and done["hidden"] is True
        assert "Đã mở vụ việc #" in done["message"]
        assert "đã có vụ việc" in dump(confirm_case(seeded.report_bl, "other"))  # one per origin
        table = dump(reports_page.refresh_at(NOW, None, None, None, "vi")["table"])
        again = opened(seeded.report_bl, CASE, "vi")
    [(origin, report_id, _, kind, actor)] = cases_of(store)
    with store.session() as session:
        case = session.scalars(select(ViolationCase)).one()
        case_id, note = case.id, case.note
    assert (origin, report_id, kind, actor) == (
        "report",
        seeded.report_bl,
        "unpermitted_construction",
        "operator.673",
    )
    assert note == "Công trình 3 tầng" and f"Đã mở vụ việc #{case_id}" in done["message"]
    # The row and the panel now link the case instead of offering a second one.
    assert f"Dẫn tới vụ việc #{case_id}" in table and '"type": "reports-case"' not in table
    assert f"Dẫn tới vụ việc #{case_id}" in dump(again["case"])
    assert again["what"] is None and again["confirm_hidden"] is True
    assert again["kind_hidden"] is True and again["note_hidden"] is True
    with store.session() as session:
        audited = session.scalars(select(AuditEntry.action)).all()
    assert audited.count("case.open") == 1


def test_a_forged_report_case_is_refused_outside_the_scope_and_to_readers(
    store: Store, city: Any
) -> None:
    server, seeded = city
    with acting_as(server, unit_principal(store, "operator.673", Role.OPERATOR, BAO_LOC)):
        assert "ngoài phạm vi" in dump(confirm_case(seeded.report_dl, "other"))  # Đà Lạt's
        assert opened(seeded.report_dl, CASE, "vi")["hidden"] is True
        assert "ngoài phạm vi" in dump(confirm_case(10**9, "other"))
        garbled = confirm_case("' OR 1=1 --", "other")
        assert "Không có quyền" in dump(garbled) and garbled["changed"] is dash.no_update
    for role in (Role.VIEWER, Role.FIELD):
        reader = unit_principal(store, f"{role.value}.673", role, BAO_LOC)
        with acting_as(server, reader):
            assert "chỉ được xem" in dump(confirm_case(seeded.report_bl, "other"))
            assert opened(seeded.report_bl, CASE, "vi")["hidden"] is True
            table = dump(reports_page.refresh_at(NOW, None, None, None, "vi")["table"])
            assert '"type": "reports-case"' not in table
    with acting_as(server, LEADER):
        assert "chỉ được xem" in dump(confirm_case(seeded.report_bl, "other"))
    assert cases_of(store) == []


def test_the_incident_desk_opens_a_case_and_then_links_it(store: Store, city: Any) -> None:
    server, seeded = city
    with acting_as(server, unit_principal(store, "operator.673", Role.OPERATOR, BAO_LOC)):
        assert desk_cases.case_state(seeded.incident_bl, "vi") == desk_cases.HIDDEN | {
            "form_hidden": False
        }
        refused = desk_cases.open_from_incident(seeded.incident_bl, None, "vi")
        assert "hãy chọn loại vụ việc" in refused["status"] and "link" not in refused
        done = desk_cases.open_from_incident(seeded.incident_bl, "deforestation", "vi")
        assert done["form_hidden"] is True and "Đã mở vụ việc #" in done["status"]
        state = desk_cases.case_state(seeded.incident_bl, "vi")
        twice = desk_cases.open_from_incident(seeded.incident_bl, "other", "vi")
        # A forged desk for Đà Lạt's incident: not admitted to exist, nothing shown.
        forged = desk_cases.open_from_incident(seeded.incident_dl, "other", "vi")
        assert desk_cases.case_state(seeded.incident_dl, "vi") == desk_cases.HIDDEN
        assert "ngoài phạm vi" in desk_cases.open_from_incident("x", "other", "vi")["status"]
    [(origin, _, incident_id, kind, actor)] = cases_of(store)
    assert (origin, incident_id, kind, actor) == (
        "incident",
        seeded.incident_bl,
        "deforestation",
        "operator.673",
    )
    assert state["form_hidden"] is True and "Dẫn tới vụ việc #" in dump(state["link"])
    assert "đã có vụ việc" in twice["status"] and "ngoài phạm vi" in forged["status"]
    field = unit_principal(store, "field.673", Role.FIELD, BAO_LOC)
    with acting_as(server, field):  # field staff act on incidents, not on cases
        assert desk_cases.case_state(seeded.incident_bl_assigned, "vi")["form_hidden"] is True
        answer = desk_cases.open_from_incident(seeded.incident_bl_assigned, "other", "vi")
        assert "chỉ được xem" in answer["status"]
        assert "Dẫn tới vụ việc #" in dump(desk_cases.case_state(seeded.incident_bl, "vi"))
    assert len(cases_of(store)) == 1


def test_the_overview_counts_open_cases_by_step_and_the_overdue_ones(
    store: Store, city: Any
) -> None:
    server, seeded = city
    with acting_as(server, ADMIN):
        empty = overview.cases_at(NOW, None, "vi")
        assert "Chưa có vụ việc vi phạm nào đang mở" in dump(empty["cases"])
        assert overview.cases_at(NOW, empty["version"], "vi") == {
            "cases": dash.no_update,
            "version": dash.no_update,
        }
    for origin, origin_id, days in (
        ("report", seeded.report_dl, 5),
        ("report", seeded.report_bl, 45),
        ("incident", seeded.incident_bl, 120),
    ):
        case_id, error = open_case_as(
            store, ADMIN, origin, origin_id, "other", now=NOW - timedelta(days=days)
        )
        assert error is None and case_id is not None
    with acting_as(server, ADMIN):
        filled = overview.cases_at(NOW, empty["version"], "vi")
    shown = dump(filled["cases"])
    assert '"data-total": "3"' in shown and '"data-overdue": "1"' in shown
    assert "1 quá 90 ngày" in shown and '"href": "/vu-viec"' in shown
    assert '"data-step": "opened"' in shown and "Mới mở" in shown
    assert filled["version"] != empty["version"]
    with acting_as(server, unit_principal(store, "operator.673", Role.OPERATOR, BAO_LOC)):
        assert overview.cases_at(NOW, None, "vi") == {"cases": None, "version": None}


def press_key(app: Any, component: str) -> str:
    """The output key of the callback that ``component`` (a button) triggers."""
    return next(
        str(spec["output"])
        for spec in callback_specs(app)
        if any(dep["id"] == component for dep in spec["inputs"]) and "@" in str(spec["output"])
    )


def post(client: FlaskClient, body: dict[str, Any]) -> tuple[int, str]:
    response = client.post("/_dash-update-component", json=body, headers=csrf_headers(client))
    text = response.get_data(as_text=True)
    return response.status_code, json.dumps(json.loads(text), ensure_ascii=False) if text else ""


def test_forged_case_callbacks_over_http_are_refused(
    store: Store, city: Any, tmp_path: Path
) -> None:
    """The real sign-in gate and Dash dispatch: an operator of Đà Lạt forges the report
    panel's and the desk's "Mở vụ việc" for Bảo Lộc's report and incident; a leader is
    stopped at the gate (state-changing outputs)."""
    _, seeded = city
    app = create_app(Settings(var_dir=tmp_path), store)
    confirm = press_key(app, "reports-decision-confirm")
    desk = press_key(app, "unit-desk-case-open")

    def report_case(client: FlaskClient, report_id: int) -> tuple[int, str]:
        values = {
            "reports-decision-confirm": 1,
            "reports-decision-what": {"report": report_id, "to": CASE},
            "reports-decision-kind": "other",
            "reports-changed": 0,
            "shell-lang": "vi",
        }
        return post(client, callback_body(app, confirm, values))

    def incident_case(client: FlaskClient, incident_id: int) -> tuple[int, str]:
        values = {
            "unit-desk-case-open": 1,
            "unit-desk-incident": incident_id,
            "unit-desk-case-kind": "other",
            "shell-lang": "vi",
        }
        return post(client, callback_body(app, desk, values, ["unit-desk-case-open.n_clicks"]))

    da_lat = signed_in_client(app.server, Role.OPERATOR, DA_LAT)
    for status, answer in (
        report_case(da_lat, seeded.report_bl),
        incident_case(da_lat, seeded.incident_bl),
    ):
        assert status == 200 and "ngoài phạm vi" in answer, answer
        assert "Rác ở Bảo Lộc" not in answer and "Khói Bảo Lộc" not in answer
    leader = signed_in_client(app.server, Role.LEADER)
    assert report_case(leader, seeded.report_bl)[0] == 403
    assert incident_case(leader, seeded.incident_bl)[0] == 403
    assert cases_of(store) == []
    bao_loc = signed_in_client(app.server, Role.OPERATOR, BAO_LOC)
    status, answer = report_case(bao_loc, seeded.report_bl)
    assert status == 200 and "Đã mở vụ việc #" in answer
    with store.session() as session:
        case = session.scalars(select(ViolationCase)).one()
    assert (case.report_id, case.unit_code) == (seeded.report_bl, PHUONG_1_BAO_LOC)
