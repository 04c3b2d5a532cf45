"""IOCs as data on real PostGIS: the seeded network, ``ioc iocs import`` and ``list`` (CSV
and Excel, errors by line and column), areas resolved through the units' lineage, the KPI
area of an IOC, and an operator bound to an IOC scoped to exactly its area — in the pages'
callbacks (the incident desk of /ioc/<code> included) and over HTTP with forged callback
requests.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from ioc import cache
from ioc.app_context import attach
from ioc.auth.accounts import find_user
from ioc.auth.scope import unit_scope
from ioc.auth.sessions import user_principal
from ioc.auth.teams import assignees_for, is_assignee
from ioc.auth.user_roles import Role
from ioc.cli import main
from ioc.config import Settings
from ioc.iocs.registry import read_file, store_rows
from ioc.kpi.areas import area_units, load_areas
from ioc.pages import incident_desk, ioc_network, ioc_page, unit
from ioc.store import Store
from ioc.store.models import AdminUnit, Incident, IocUnit
from ioc.store.units import ioc_key
from ioc.violations.actions import open_case_as
from ioc.web.app import create_app
from testkit.auth_support import (
    add_account,
    callback_body,
    csrf_headers,
    open_user_session,
    put_cookies,
)
from tests.incidents_support import add_incident
from tests.scope_support import (
    ADMIN,
    DA_LAT,
    LEADER,
    NOW,
    PHUONG_1_BAO_LOC,
    XUAN_HUONG,
    TwoCities,
    acting_as,
    output_key,
    pattern_prop,
    seed_two_cities,
)

pytestmark = pytest.mark.postgis
TODAY = NOW.date()
DENIED = "Không có quyền"
HEADER = "code,name,name_en,kind,unit,owner,opened_on,area,operators,kiosks,source,note\n"
XUAN_TRUONG = "24805"  # Phường Xuân Trường - Đà Lạt: in the former city, outside IOC-XH
NOT_FOUND = "không tìm thấy sự cố"


@pytest.fixture
def city(postgis_store: Store, tmp_path: Path) -> Iterator[tuple[Flask, TwoCities]]:
    cache.invalidate_all()
    seeded = seed_two_cities(postgis_store, tmp_path)  # default units, and so the seeded IOCs
    server = Flask("iocs-test")
    attach(server, Settings(var_dir=tmp_path), postgis_store)
    yield server, seeded


def at(line: int, column: str) -> str:
    """How an import error names its place."""
    return f"dòng / line {line}, cột / column {column}"


def cli(monkeypatch: pytest.MonkeyPatch, store: Store, tmp_path: Path, *argv: str) -> int:
    monkeypatch.setenv("IOC_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("IOC_DATABASE__URL", store.engine.url.render_as_string(hide_password=False))
    return main(list(argv))


def dump(value: Any) -> str:
    return json.dumps(
        value,
        default=lambda o: o.to_plotly_json() if hasattr(o, "to_plotly_json") else repr(o),
        ensure_ascii=False,
    )


def test_the_seeded_network_names_its_sources_and_da_lat_covers_its_wards(
    postgis_store: Store,
    city: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert (
        cli(monkeypatch, postgis_store, tmp_path, "iocs", "list", "--json", "--at", "2026-03-10")
        == 0
    )
    listed = {i["code"]: i for i in json.loads(capsys.readouterr().out)}
    assert {"IOC-68", "IOC-672", "IOC-675"} <= set(listed)
    assert all(i["source"] for i in listed.values())  # only what a public source names
    dalat = listed["IOC-672"]
    assert dalat["opened_on"] == "2019-12-10" and "nhandan.com.vn" in dalat["source"]
    with postgis_store.session() as session:
        units = session.scalars(select(AdminUnit)).all()
        current = {u.code for u in units if u.valid_to is None and u.level != "province"}
        assert tuple(dalat["area"]) == area_units(units, DA_LAT, TODAY)  # the KPI areas' rule
        assert XUAN_HUONG in dalat["area"] and PHUONG_1_BAO_LOC not in dalat["area"]
        assert set(listed["IOC-68"]["area"]) == current
        assert set(dalat["area"]) == set(load_areas(session, TODAY)[ioc_key("IOC-672")])
    assert cli(monkeypatch, postgis_store, tmp_path, "iocs", "list") == 0
    assert "IOC-672" in capsys.readouterr().out


def test_import_adds_and_updates_and_a_second_run_changes_nothing(
    postgis_store: Store,
    city: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    add_account(postgis_store, Role.OPERATOR, XUAN_HUONG, "vanhanh.xh")
    path = tmp_path / "iocs.csv"
    path.write_text(
        HEADER
        + f'IOC-SO-X,"IOC Sở X",Department X IOC,department,68,"Sở X",01/03/2024,{XUAN_HUONG},'
        'vanhanh.xh,,"Báo Lâm Đồng, 02/03/2024",\n'
        'IOC-672,"Trung tâm Giám sát, điều hành thông minh thành phố Đà Lạt",Đà Lạt IOC,unit,'
        '672,672,2019-12-10,672,,,"Nhân Dân, 10/12/2019",\n',
        encoding="utf-8",
    )
    assert cli(monkeypatch, postgis_store, tmp_path, "iocs", "import", str(path)) == 0
    assert "1 mới / new, 1 cập nhật / updated" in capsys.readouterr().out
    assert cli(monkeypatch, postgis_store, tmp_path, "iocs", "import", str(path)) == 0
    assert "0 mới / new, 0 cập nhật / updated" in capsys.readouterr().out
    with postgis_store.session() as session:
        row = session.get(IocUnit, "IOC-SO-X")
        assert row is not None and row.owner == "Sở X" and row.kind == "department"
        assert unit_scope(session, ioc_key("IOC-SO-X")) == {XUAN_HUONG}


def test_import_errors_name_line_and_column_and_store_nothing(
    postgis_store: Store,
    city: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER
        + "IOC-A,A,,unit,99999,,,,,,Báo A,\n"  # unknown unit
        + "IOC-B,B,,unit,673,,31/02/2024,,,,Báo B,\n"  # bad date
        + "IOC-C,C,,unit,673,,,,,,,\n"  # missing source
        + "IOC-D,D,,unit,673,,,,ghost,,Báo D,\n",  # unknown operator
        encoding="utf-8",
    )
    assert cli(monkeypatch, postgis_store, tmp_path, "iocs", "import", str(path)) == 1
    err = capsys.readouterr().err
    assert at(3, "opened_on") in err and at(4, "source") in err
    path.write_text(
        HEADER + "IOC-A,A,,unit,99999,,,,,,Báo A,\nIOC-D,D,,unit,673,,,,ghost,,Báo D,\n"
    )
    assert cli(monkeypatch, postgis_store, tmp_path, "iocs", "import", str(path)) == 1
    err = capsys.readouterr().err
    assert at(2, "unit") in err and "99999" in err
    assert at(3, "operators") in err and "ghost" in err
    (tmp_path / "nosource.csv").write_text("code,name,kind,unit\nX,X,unit,673\n")
    assert (
        cli(monkeypatch, postgis_store, tmp_path, "iocs", "import", str(tmp_path / "nosource.csv"))
        == 1
    )
    assert at(1, "source") in capsys.readouterr().err
    with postgis_store.session() as session:
        assert session.get(IocUnit, "IOC-A") is None and session.get(IocUnit, "IOC-D") is None


def test_excel_files_are_read_like_csv(
    postgis_store: Store, city: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]  # Excel only

    book = Workbook()
    sheet = book.active
    sheet.append(["Code", "Name", "Kind", "Unit", "Opened_on", "Source"])
    sheet.append(["IOC-677", "IOC Đơn Dương", "unit", 677, NOW.replace(tzinfo=None), "Báo Y"])
    book.save(tmp_path / "iocs.xlsx")
    assert (
        cli(monkeypatch, postgis_store, tmp_path, "iocs", "import", str(tmp_path / "iocs.xlsx"))
        == 0
    )
    with postgis_store.session() as session:
        row = session.get(IocUnit, "IOC-677")
        assert row is not None and row.opened_on == TODAY and row.source == "Báo Y"


def bind_operator(store: Store, tmp_path: Path, ioc: str, area: str, unit_code: str) -> str:
    """An operator account bound to IOC ``ioc`` (area ``area``) through an import."""
    name = add_account(store, Role.OPERATOR, unit_code, f"vanhanh.{ioc.lower()}")
    path = tmp_path / f"{ioc}.csv"
    path.write_text(HEADER + f"{ioc},{ioc},,unit,{unit_code},,,{area},{name},,Báo Z,\n")
    with store.session() as session:
        store_rows(session, read_file(path), TODAY)
    cache.changed("iocs")
    return name


def test_an_ioc_operator_sees_exactly_its_area_in_the_callbacks(
    postgis_store: Store, city: Any, tmp_path: Path
) -> None:
    server, seeded = city
    name = bind_operator(postgis_store, tmp_path, "IOC-XH", XUAN_HUONG, DA_LAT)
    for report in (seeded.report_dl, seeded.report_bl):  # one case in the area, one outside
        case_id, error = open_case_as(postgis_store, ADMIN, "report", report, "other", now=NOW)
        assert case_id is not None, error
    with postgis_store.session() as session:
        user = find_user(session, name)
        assert user is not None
        principal = user_principal(session, user)
    assert principal.units == frozenset(
        {XUAN_HUONG}
    )  # not 672's other wards: exactly the IOC's area
    with acting_as(server, principal):
        mine = ioc_page.refresh_at(NOW, None, "IOC-XH", "vi")
        assert "Khói Đà Lạt" in dump(mine["incidents"]) and "CAM-DL" in dump(mine["cameras"])
        assert '"data-total": "1"' in dump(mine["cases"])  # the area's open case, not Bảo Lộc's
        for forged in ("IOC-672", "IOC-673", "IOC-68", "x' OR 1=1"):
            answer = ioc_page.refresh_at(NOW, None, forged, "vi")
            assert DENIED in dump(answer["title"]) and "Bảo Lộc" not in dump(answer)
        assert DENIED in dump(unit.refresh_at(NOW, None, PHUONG_1_BAO_LOC, "vi")["title"])
        assert "Không có quyền" in dump(ioc_network.refresh_at(NOW, "vi")["table"])
    with acting_as(server, ADMIN):
        network = dump(ioc_network.refresh_at(NOW, "vi")["table"])
        assert "IOC-XH" in network and "chưa có số liệu" in network  # Lạc Dương: nothing yet


def test_forged_requests_of_an_ioc_operator_are_refused_over_http(
    postgis_store: Store, city: Any, tmp_path: Path
) -> None:
    name = bind_operator(postgis_store, tmp_path, "IOC-DL", DA_LAT, DA_LAT)
    app = create_app(Settings(var_dir=tmp_path), postgis_store)
    client = put_cookies(app.server.test_client(), open_user_session(postgis_store, name))
    assert client.get("/").headers["Location"].endswith("/ioc/IOC-DL")
    key = output_key(app, "iocpage-map.figure")
    values = {"iocpage-code": "IOC-DL", "shell-lang": "vi", "iocpage-interval": 1}
    body = callback_body(app, key, values)
    answer = client.post("/_dash-update-component", json=body, headers=csrf_headers(client))
    text = json.dumps(answer.get_json(), ensure_ascii=False)
    assert answer.status_code == 200 and "Khói Đà Lạt" in text and "Bảo Lộc" not in text
    values["iocpage-code"] = "IOC-673"
    body = callback_body(app, key, values)
    forged = client.post("/_dash-update-component", json=body, headers=csrf_headers(client))
    text = json.dumps(forged.get_json(), ensure_ascii=False)
    assert forged.status_code == 200 and DENIED in text and "Khói Bảo Lộc" not in text
    network = output_key(app, "iocnet-table.children")
    refused = client.post(
        "/_dash-update-component",
        json=callback_body(app, network, {}),
        headers=csrf_headers(client),
    )
    assert refused.status_code == 403
    assert client.get("/ioc").status_code == 403


def incident_beside(store: Store) -> int:
    """An open incident in the former city of Đà Lạt, but not in Xuân Hương."""
    return add_incident(
        store,
        NOW - timedelta(minutes=4),
        title="Khói Xuân Trường",
        unit_code=XUAN_TRUONG,
        lon=108.536,
        lat=11.895,
    )


def statuses(store: Store, *ids: int) -> dict[int, str]:
    with store.session() as session:
        return {i: row.status for i in ids if (row := session.get(Incident, i)) is not None}


def test_the_ioc_desk_acts_only_on_incidents_of_its_area(
    postgis_store: Store, city: Any, tmp_path: Path
) -> None:
    """/ioc/<code> carries the incident desk: its operator opens and acts on the area's
    incident; one of another ward of the same former city, or of Bảo Lộc, is not admitted
    to exist (the desk stays shut, a forged press changes nothing); a leader gets no desk."""
    server, seeded = city
    name = bind_operator(postgis_store, tmp_path, "IOC-XH", XUAN_HUONG, DA_LAT)
    beside = incident_beside(postgis_store)
    with postgis_store.session() as session:
        user = find_user(session, name)
        assert user is not None
        principal = user_principal(session, user)
    outside = (beside, seeded.incident_bl)
    with acting_as(server, principal):
        queue = dump(ioc_page.refresh_at(NOW, None, "IOC-XH", "vi")["incidents"])
        assert '"iocpage-desk-open"' in queue and "Khói Đà Lạt" in queue
        assert "Khói Xuân Trường" not in queue
        for incident_id in outside:
            shut = incident_desk.opened(incident_id, "vi")
            assert shut["hidden"] is True and shut["incident"] is None
            assert NOT_FOUND in shut["status"] and "Khói" not in dump(shut)
            for action in incident_desk.DESK_ACTIONS:
                answer = incident_desk.act(action, incident_id, "canbo.672", "ghi chú", "vi")
                assert NOT_FOUND in answer, action
        shown = incident_desk.opened(seeded.incident_dl, "vi")
        assert shown["hidden"] is False and "Khói Đà Lạt" in shown["title"]
        assert not shown["acknowledge_disabled"] and shown["resolve_disabled"] is False
        done = incident_desk.act("acknowledge", seeded.incident_dl, None, "", "vi")
        assert "Đã ghi nhận" in done
    with acting_as(server, LEADER):
        rows = dump(ioc_page.refresh_at(NOW, None, "IOC-XH", "vi")["incidents"])
        assert "Khói Đà Lạt" in rows and "desk-open" not in rows
    assert statuses(postgis_store, seeded.incident_dl, *outside) == {
        seeded.incident_dl: "acknowledged",
        beside: "new",
        seeded.incident_bl: "new",
    }


def test_forged_ioc_desk_callbacks_outside_the_area_are_refused_over_http(
    postgis_store: Store, city: Any, tmp_path: Path
) -> None:
    """Over HTTP, as the browser would post them: the IOC operator's forged "Xử lý" and
    "Tiếp nhận" for an incident outside its area are refused and change nothing; the same
    press for its area's incident is done; a leader's press is refused at the gate."""
    _server, seeded = city
    name = bind_operator(postgis_store, tmp_path, "IOC-XH", XUAN_HUONG, DA_LAT)
    beside = incident_beside(postgis_store)
    app = create_app(Settings(var_dir=tmp_path), postgis_store)
    client = put_cookies(app.server.test_client(), open_user_session(postgis_store, name))

    def post(body: dict[str, Any]) -> tuple[int, str]:
        answer = client.post("/_dash-update-component", json=body, headers=csrf_headers(client))
        return answer.status_code, json.dumps(answer.get_json(silent=True), ensure_ascii=False)

    def open_desk(incident_id: int) -> tuple[int, str]:
        button = {"incident": incident_id, "type": "iocpage-desk-open"}
        values = {'{"incident":["ALL"],"type":"iocpage-desk-open"}': [(button, 1)]}
        key = output_key(app, "iocpage-desk-incident.data")
        return post(
            callback_body(
                app, key, values | {"shell-lang": "vi"}, [pattern_prop(button, "n_clicks")]
            )
        )

    def press(incident_id: int) -> tuple[int, str]:
        values = {"iocpage-desk-acknowledge": 1, "iocpage-desk-incident": incident_id}
        key = output_key(app, "iocpage-desk-status.children")
        changed = ["iocpage-desk-acknowledge.n_clicks"]
        return post(callback_body(app, key, values | {"shell-lang": "vi"}, changed))

    for incident_id in (beside, seeded.incident_bl):
        status, answer = open_desk(incident_id)
        assert status == 200 and NOT_FOUND in answer and "Khói" not in answer
        status, answer = press(incident_id)
        assert status == 200 and NOT_FOUND in answer
    status, answer = open_desk(seeded.incident_dl)
    assert status == 200 and "Khói Đà Lạt" in answer
    leader = put_cookies(
        app.server.test_client(),
        open_user_session(postgis_store, add_account(postgis_store, Role.LEADER)),
    )
    key = output_key(app, "iocpage-desk-status.children")
    values = {"iocpage-desk-acknowledge": 1, "iocpage-desk-incident": seeded.incident_dl}
    body = callback_body(app, key, values, ["iocpage-desk-acknowledge.n_clicks"])
    refused = leader.post("/_dash-update-component", json=body, headers=csrf_headers(leader))
    assert refused.status_code == 403
    assert statuses(postgis_store, seeded.incident_dl)[seeded.incident_dl] == "new"
    status, answer = press(seeded.incident_dl)
    assert status == 200 and "Đã ghi nhận" in answer
    assert statuses(postgis_store, seeded.incident_dl, beside, seeded.incident_bl) == {
        seeded.incident_dl: "acknowledged",
        beside: "new",
        seeded.incident_bl: "new",
    }


def test_a_field_officer_bound_to_an_ioc_is_offered_for_its_area_only(
    postgis_store: Store, city: Any, tmp_path: Path
) -> None:
    """An IOC's field officer (unit Đà Lạt, bound to the IOC of Xuân Hương) works where its
    sessions see: it is among the dispatch choices for an incident of the IOC's area, and
    not for one of another ward of its former city or of Bảo Lộc."""
    bind_operator(postgis_store, tmp_path, "IOC-XH", XUAN_HUONG, DA_LAT)
    officer = add_account(postgis_store, Role.FIELD, DA_LAT, "hientruong.ioc-xh")
    with postgis_store.session() as session:
        user = find_user(session, officer)
        assert user is not None
        user.ioc_code = "IOC-XH"
    with postgis_store.session() as session:
        inside = [a.value for a in assignees_for(session, XUAN_HUONG)]
        beside = [a.value for a in assignees_for(session, XUAN_TRUONG)]
        bao_loc = [a.value for a in assignees_for(session, PHUONG_1_BAO_LOC)]
        assert officer in inside
        assert officer not in beside and officer not in bao_loc
        assert is_assignee(session, XUAN_HUONG, officer)
        assert not is_assignee(session, XUAN_TRUONG, officer)
