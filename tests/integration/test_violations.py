"""Change candidates and violation cases on both real stores: the store functions, the audit
log, unit scope against forged requests, and Open311 staying clean of cases.

Đà Lạt (672, its ward Xuân Hương 24781) and Bảo Lộc (673, Phường 1 Bảo Lộc 24823) from
:func:`tests.scope_support.seed_two_cities`; the candidates come from its two cameras.
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

from ioc.app_context import attach
from ioc.audit.log import verify
from ioc.auth.principal import Principal
from ioc.auth.user_roles import Role
from ioc.config import Settings
from ioc.pages import cases as cases_page
from ioc.pages import changes as changes_page
from ioc.pages import reports as reports_page
from ioc.pages import unit as unit_page
from ioc.sim.violations import seed_demo_violations
from ioc.store import Store
from ioc.store.models_audit import AuditEntry
from ioc.store.models_violations import CaseStep, ChangeCandidate, ViolationCase
from ioc.violations.actions import add_step_as, open_case_as, review_as
from ioc.violations.candidates import add_candidate
from ioc.violations.queries import open_counts
from ioc.violations.steps import STEPS, StepEntry
from tests.reports_support import client, jpeg
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

DAY = NOW.date() + timedelta(days=0)


@pytest.fixture
def city(store: Store, tmp_path: Path) -> Iterator[tuple[Flask, TwoCities]]:
    seeded = seed_two_cities(store, tmp_path)
    server = Flask("violations-test")
    attach(server, Settings(var_dir=tmp_path), store)
    yield server, seeded


def candidate(store: Store, var_dir: Path, camera_id: str = "CAM-DL", bind: Any = None) -> int:
    return add_candidate(
        bind if bind is not None else store.engine,
        var_dir=var_dir,
        camera_id=camera_id,
        preset="P1",
        box=(10, 20, 60, 70),
        area_frac=0.05,
        score=0.8,
        hint="structure",
        before_t=NOW - timedelta(days=30),
        after_t=NOW - timedelta(hours=1),
        reference_days=30,
        before_jpeg=jpeg(),
        after_jpeg=jpeg(32, 24),
    )


def operator(store: Store, code: str = DA_LAT) -> Principal:
    return unit_principal(store, f"operator.{code}", Role.OPERATOR, code)


def entry(step: str, **extra: Any) -> StepEntry:
    values: dict[str, Any] = {"officer": "Phạm Văn D", "document": f"VB-{step}"}
    if step == "sanction_decided":
        values |= {"decision_no": "15/QĐ-XPHC", "amount_vnd": 40_000_000}
    return StepEntry(step, DAY, **(values | extra))


def actions_of(store: Store) -> list[tuple[str, str]]:
    with store.session() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        return [(r.action, r.target) for r in rows]


def test_a_candidate_is_stored_with_its_pictures_unit_and_audit(
    store: Store, city: Any, tmp_path: Path
) -> None:
    first = candidate(store, tmp_path)
    with store.engine.begin() as connection:  # the lead's wiring may hand a connection
        second = candidate(store, tmp_path, "CAM-BL", bind=connection)
    with store.session() as session:
        rows = {r.id: r for r in session.scalars(select(ChangeCandidate)).all()}
    dl, bl = rows[first], rows[second]
    assert (dl.unit_code, bl.unit_code) == (XUAN_HUONG, PHUONG_1_BAO_LOC)
    assert dl.state == "pending" and dl.box == [10, 20, 60, 70] and dl.preset == "P1"
    assert dl.before_path.startswith("snapshots/CAM-DL/") and dl.after_path.endswith("-after.jpg")
    assert (tmp_path / dl.before_path).read_bytes() == jpeg()
    assert (tmp_path / dl.after_path).read_bytes() == jpeg(32, 24)
    assert ("change.candidate", f"change:{first}") in actions_of(store)
    with pytest.raises(ValueError, match="JPEG"):
        add_candidate(
            store.engine,
            var_dir=tmp_path,
            camera_id="CAM-DL",
            preset=None,
            box=(0, 0, 5, 5),
            area_frac=0.1,
            score=0.5,
            hint="clearing",
            before_t=NOW - timedelta(days=7),
            after_t=NOW,
            reference_days=7,
            before_jpeg=b"GIF89a",
            after_jpeg=jpeg(),
        )


def test_review_keeps_the_verdict_once_and_a_known_project_needs_its_permit(
    store: Store, city: Any, tmp_path: Path
) -> None:
    cid = candidate(store, tmp_path)
    mine = operator(store)
    assert review_as(store, mine, cid, "known_project", permit_no=" ", now=NOW) == "no_permit"
    assert review_as(store, mine, cid, "guess", now=NOW) == "unknown_verdict"
    assert review_as(store, mine, cid, "known_project", permit_no="GPXD-12/2026", now=NOW) is None
    assert review_as(store, mine, cid, "nothing", now=NOW) == "reviewed"  # kept, not overwritten
    with store.session() as session:
        row = session.get(ChangeCandidate, cid)
        assert row is not None
        kept = (row.state, row.verdict, row.permit_no, row.reviewer)
    assert kept == ("reviewed", "known_project", "GPXD-12/2026", "operator.672")
    assert actions_of(store).count(("change.review", f"change:{cid}")) == 1
    # A known project is no violation: no case can be opened from it.
    assert open_case_as(store, mine, "candidate", cid, "other", now=NOW) == (
        None,
        "not_a_violation",
    )


def test_a_case_from_a_candidate_follows_its_steps_to_the_remedy(
    store: Store, city: Any, tmp_path: Path
) -> None:
    cid = candidate(store, tmp_path)
    mine = operator(store)
    assert review_as(store, mine, cid, "new_construction", now=NOW) is None
    case_id, error = open_case_as(
        store, mine, "candidate", cid, "unpermitted_construction", now=NOW
    )
    assert error is None and case_id is not None
    again = open_case_as(store, mine, "candidate", cid, "unpermitted_construction", now=NOW)
    assert again == (None, "has_case")
    with store.session() as session:
        case = session.get(ViolationCase, case_id)
        assert case is not None and case.unit_code == XUAN_HUONG  # from the camera's point
        found = session.get(ChangeCandidate, cid)
        assert found is not None and case.evidence == [found.before_path, found.after_path]
        counts = open_counts(session, mine.units, NOW)
    assert counts["opened"]["lt30"] == 1
    assert add_step_as(store, mine, case_id, entry("record_made"), now=NOW) == "order"
    for step in STEPS:
        assert add_step_as(store, mine, case_id, entry(step), now=NOW) is None, step
    assert add_step_as(store, mine, case_id, entry("remedy_done"), now=NOW) == "closed"
    with store.session() as session:
        steps = session.scalars(select(CaseStep).where(CaseStep.case_id == case_id)).all()
        done = session.get(ViolationCase, case_id)
        assert done is not None and done.step == "remedy_done" and done.closed_at == NOW
        after = open_counts(session, mine.units, NOW)
    assert [s.step for s in steps] == list(STEPS)
    sanction = next(s for s in steps if s.step == "sanction_decided")
    assert (sanction.decision_no, sanction.amount_vnd) == ("15/QĐ-XPHC", 40_000_000)
    assert sum(sum(b.values()) for b in after.values()) == 0
    audited = [a for a in actions_of(store) if a[1] == f"case:{case_id}"]
    assert audited == [("case.open", f"case:{case_id}")] + [("case.step", f"case:{case_id}")] * 5
    with store.session() as session:
        assert verify(session).ok


def test_cases_from_a_report_and_an_incident_keep_the_link_only(
    store: Store, city: Any, tmp_path: Path
) -> None:
    _, seeded = city
    mine = operator(store, BAO_LOC)
    from_report, error = open_case_as(
        store, mine, "report", seeded.report_bl, "street_encroachment", now=NOW
    )
    assert error is None and from_report is not None
    from_incident, error = open_case_as(
        store, mine, "incident", seeded.incident_bl, "other", now=NOW
    )
    assert error is None and from_incident is not None
    with store.session() as session:
        report_case = session.get(ViolationCase, from_report)
        incident_case = session.get(ViolationCase, from_incident)
        assert report_case is not None and incident_case is not None
        assert report_case.evidence == [] and report_case.note == ""  # no citizen data copied
        assert "Rác ở Bảo Lộc" not in json.dumps(
            {c.key: str(getattr(report_case, c.key)) for c in ViolationCase.__table__.columns}
        )
        assert incident_case.evidence == [f"snapshots/{seeded.files['cam_bl']}"]
        assert report_case.unit_code == PHUONG_1_BAO_LOC


def test_scope_and_roles_refuse_forged_requests(store: Store, city: Any, tmp_path: Path) -> None:
    _, seeded = city
    dl_candidate = candidate(store, tmp_path)
    bao_loc = operator(store, BAO_LOC)
    viewer = unit_principal(store, "xem.672", Role.VIEWER, DA_LAT)
    field = unit_principal(store, "field.672", Role.FIELD, DA_LAT)
    for principal, expected in (
        (bao_loc, "unknown"),
        (viewer, "forbidden"),
        (field, "forbidden"),
        (LEADER, "forbidden"),
        (None, "unknown"),
    ):
        assert review_as(store, principal, dl_candidate, "nothing", now=NOW) == expected
    assert review_as(store, bao_loc, 10**6, "nothing", now=NOW) == "unknown"
    assert open_case_as(store, bao_loc, "report", seeded.report_dl, "other", now=NOW) == (
        None,
        "unknown",
    )
    assert open_case_as(store, ADMIN, "dossier", 1, "other", now=NOW) == (None, "unknown")
    case_id, _ = open_case_as(
        store, ADMIN, "report", seeded.report_dl, "land_encroachment", now=NOW
    )
    assert case_id is not None
    assert add_step_as(store, bao_loc, case_id, entry("inspected"), now=NOW) == "unknown"
    assert add_step_as(store, viewer, case_id, entry("inspected"), now=NOW) == "forbidden"
    with store.session() as session:
        assert session.scalars(select(CaseStep)).all() == []
        untouched = session.get(ChangeCandidate, dl_candidate)
        assert untouched is not None and untouched.state == "pending"


def dump(value: Any) -> str:
    def encode(obj: Any) -> Any:
        return obj.to_plotly_json() if hasattr(obj, "to_plotly_json") else repr(obj)

    return json.dumps(value, default=encode, ensure_ascii=False)


def cell(tree: Any, step: str, band: str) -> Any:
    """The text of the counts table's cell of ``step`` and ``band`` (None when absent)."""
    if isinstance(tree, dict):
        props = tree.get("props", tree)
        if props.get("data-step") == step and props.get("data-band") == band:
            return props.get("children")
        children = [v for v in tree.values() if isinstance(v, dict | list)]
        found = (cell(child, step, band) for child in children)
        return next((f for f in found if f is not None), None)
    if isinstance(tree, list):
        return next((f for f in (cell(c, step, band) for c in tree) if f is not None), None)
    return None


def test_pages_show_only_the_principal_units(store: Store, city: Any, tmp_path: Path) -> None:
    server, seeded = city
    dl, bl = candidate(store, tmp_path), candidate(store, tmp_path, "CAM-BL")
    case_id, _ = open_case_as(store, ADMIN, "report", seeded.report_bl, "other", now=NOW)
    with acting_as(server, operator(store)):
        view = changes_page.refresh_view(bl, None, "vi")  # a forged pick of Bảo Lộc's change
        text = dump(view)
        assert f'"data-candidate-id": "{dl}"' in text and f'"data-candidate-id": "{bl}"' not in text
        assert view["shown"] == dl and view["controls_hidden"] is False
        assert "CAM-BL" not in text
        cases_view = dump(cases_page.refresh_view("vi"))
        assert f"cases-row-{case_id}" not in cases_view
        assert "Chưa có vụ việc" in cases_view
        assert "Không có quyền" in dump(unit_page.cases_at(NOW, PHUONG_1_BAO_LOC, "vi"))
        forged = cases_page.record_step(
            1,
            {"case": case_id, "step": "inspected"},
            {"date": DAY.strftime("%d/%m/%Y"), "officer": "X", "document": "Y"},
            0,
            "vi",
        )
        assert "ngoài phạm vi" in dump(forged["message"])
    with acting_as(server, operator(store, BAO_LOC)):
        counts = json.loads(dump(unit_page.cases_at(NOW, PHUONG_1_BAO_LOC, "vi")))
        assert cell(counts, "opened", "lt30") == "1" and cell(counts, "inspected", "lt30") == "0"
        assert f"cases-row-{case_id}" in dump(cases_page.refresh_view("vi"))
    with acting_as(server, LEADER):
        assert changes_page.refresh_view(None, None, "vi")["controls_hidden"] is True
    with store.session() as session:
        assert session.scalars(select(CaseStep)).all() == []


def test_open311_shows_the_report_status_never_its_case(
    store: Store, city: Any, tmp_path: Path
) -> None:
    _, seeded = city
    case_id, _ = open_case_as(
        store, ADMIN, "report", seeded.report_dl, "land_encroachment", now=NOW
    )
    assert case_id is not None
    assert (
        add_step_as(store, ADMIN, case_id, entry("inspected", officer="Đỗ Thị Thanh Tra"), now=NOW)
        is None
    )
    api = client(store, tmp_path)
    one = api.get(f"/open311/v2/requests/{seeded.report_dl}.json")
    window = "start_date=2026-03-01T00:00:00%2B07:00&end_date=2026-03-11T00:00:00%2B07:00"
    listed = api.get(f"/open311/v2/requests.json?{window}")
    for response in (one, listed):
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        record = next(
            r for r in response.get_json() if r["service_request_id"] == str(seeded.report_dl)
        )
        assert record["status"] == "open"
        for leak in (
            "Đỗ Thị Thanh Tra",
            "VB-inspected",
            "case",
            "vụ việc",
            "land_encroachment",
            f"#{case_id}",
        ):
            assert leak not in body, leak


def test_the_report_row_shows_the_case_it_led_to(store: Store, city: Any) -> None:
    server, seeded = city
    case_id, _ = open_case_as(store, ADMIN, "report", seeded.report_bl, "other", now=NOW)
    with acting_as(server, operator(store, BAO_LOC)):
        table = dump(reports_page.refresh_at(NOW, None, None, None, "vi")["table"])
    assert f"Dẫn tới vụ việc #{case_id}" in table
    assert table.count("Dẫn tới vụ việc") == 1  # Bảo Lộc's report only


def test_the_demo_seeds_simulated_candidates_and_cases(
    store: Store, city: Any, tmp_path: Path
) -> None:
    assert seed_demo_violations(store, tmp_path, NOW) == 2  # one per camera of the two cities
    assert seed_demo_violations(store, tmp_path, NOW) == 0  # once
    with store.session() as session:
        found = session.scalars(select(ChangeCandidate).order_by(ChangeCandidate.id)).all()
        cases = session.scalars(select(ViolationCase)).all()
        steps = session.scalars(select(CaseStep)).all()
        assert verify(session).ok
    assert [c.simulated for c in found] == [True, True]
    assert sorted(c.state for c in found) == ["pending", "reviewed"]
    assert [(c.simulated, c.step, c.kind) for c in cases] == [
        (True, "record_made", "deforestation")
    ]
    assert [s.step for s in steps] == ["inspected", "record_made"]
    for candidate_row in found:
        assert (tmp_path / candidate_row.after_path).read_bytes()[:3] == b"\xff\xd8\xff"


def test_a_case_is_opened_from_an_incident_on_the_cases_page(store: Store, city: Any) -> None:
    server, seeded = city

    def opened(number: Any, kind: Any = "other") -> str:
        answer = cases_page.open_from_origin(
            clicks=1, origin="incident", number=number, kind=kind, changed=0, lang="vi"
        )
        return dump(answer["message"])

    with acting_as(server, operator(store, BAO_LOC)):
        assert "hãy chọn loại vụ việc" in opened(str(seeded.incident_bl), kind=None)
        assert "ngoài phạm vi" in opened(str(seeded.incident_dl))  # Đà Lạt's: forged
        assert "ngoài phạm vi" in opened("not a number")
        assert "Đã mở vụ việc #" in opened(f"#{seeded.incident_bl}")
        assert "đã có vụ việc" in opened(str(seeded.incident_bl))
        assert cases_page.refresh_view("vi")["open_hidden"] is False
    with acting_as(server, unit_principal(store, "xem.673", Role.VIEWER, BAO_LOC)):
        assert cases_page.refresh_view("vi")["open_hidden"] is True
        assert "chỉ được xem" in opened(str(seeded.incident_bl_assigned))
    with store.session() as session:
        rows = session.scalars(select(ViolationCase)).all()
    assert [(r.origin, r.incident_id, r.opened_by) for r in rows] == [
        ("incident", seeded.incident_bl, "operator.673")
    ]
