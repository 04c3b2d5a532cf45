"""Issue 21's acceptance in a real Chromium: a unit operator reviews a camera's scene change,
opens a case from it, follows the case through its five steps to "remedy done", and the
unit page's open-case counts move with it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ioc.auth.user_roles import Role
from ioc.config import Settings
from ioc.store import Store, open_store
from ioc.store.migrate import upgrade
from ioc.store.models import Camera
from ioc.store.models_audit import AuditEntry
from ioc.store.models_violations import CaseStep, ChangeCandidate, ViolationCase
from ioc.timeutil import utcnow
from ioc.violations.candidates import add_candidate
from ioc.web.app import create_app
from testkit.overview_support import seed
from tests.e2e.conftest import LiveServer, WatchedPage
from tests.reports_support import jpeg

pytestmark = pytest.mark.e2e

NO_OPEN_CASE = "Chưa có vụ việc vi phạm nào đang mở"
STEPS = (
    ("Kiểm tra", "inspected"),
    ("Lập biên bản", "record_made"),
    ("Quyết định xử phạt", "sanction_decided"),
    ("Buộc khắc phục", "remedy_required"),
    ("Đã khắc phục", "remedy_done"),
)


def text_in(page: Any, selector: str, text: str) -> None:
    page.wait_for_function(
        "([s, t]) => { const e = document.querySelector(s);"
        " return !!e && e.innerText.includes(t); }",
        arg=[selector, text],
        timeout=15_000,
    )


def unit_counts(page: Any, url: str) -> str:
    """The unit page's open-case counts once they arrived."""
    page.goto(url + "/unit/W1")
    page.wait_for_selector("#unit-cases table, #unit-cases .ioc-empty", timeout=15_000)
    return str(page.inner_text("#unit-cases"))


def count_of(page: Any, step: str, band: str = "lt30") -> str:
    cell = f"#unit-case-counts td[data-step='{step}'][data-band='{band}']"
    return str(page.inner_text(cell))


def record(page: Any, case_id: int, label: str, step: str, **extra: str) -> None:
    row = page.locator(f"#cases-row-{case_id}")
    row.get_by_role("button", name=f"Ghi bước: {label}").click()
    page.wait_for_selector("#cases-form:not([hidden])", timeout=10_000)
    page.fill("#cases-form-officer", "Phạm Văn D")
    page.fill("#cases-form-document", f"VB-{step}")
    for field, value in extra.items():
        page.fill(f"#cases-form-{field}", value)
    page.click("#cases-form-confirm")
    page.wait_for_selector(f"#cases-row-{case_id}[data-step='{step}']", timeout=15_000)


def test_a_change_becomes_a_case_followed_to_remedy_done(
    tmp_path: Path, serve: Callable[[Any], LiveServer], watched_page: WatchedPage
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    now = utcnow()
    seed(store, now)
    with store.session() as session:
        camera = session.get(Camera, "cam-1")
        assert camera is not None
        camera.direction_deg, camera.fov_deg = 120.0, 60.0
    candidate_id = add_candidate(
        store.engine,
        var_dir=tmp_path,
        camera_id="cam-1",
        preset=None,
        box=(8, 8, 40, 30),
        area_frac=0.12,
        score=0.83,
        hint="structure",
        before_t=now - timedelta(days=30),
        after_t=now - timedelta(hours=3),
        reference_days=30,
        before_jpeg=jpeg(),
        after_jpeg=jpeg(64, 40),
    )
    live = serve(create_app(Settings(var_dir=tmp_path, web={"refresh_s": 1.0}), store).server)
    watched_page.sign_in(live, Role.OPERATOR, "W1")
    page = watched_page.page

    assert NO_OPEN_CASE in unit_counts(page, live.url)
    case_id = review_and_open(page, live.url, store, candidate_id)
    follow_to_remedy(page, live.url, case_id)
    assert NO_OPEN_CASE in unit_counts(page, live.url)
    with store.session() as session:
        steps = session.scalars(select(CaseStep).order_by(CaseStep.id)).all()
        audited = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        reviewed = session.get(ChangeCandidate, candidate_id)
    assert [s.step for s in steps] == [step for _, step in STEPS]
    assert {s.officer for s in steps} == {"Phạm Văn D"}
    assert reviewed is not None and reviewed.reviewer == "operator.w1"
    assert audited.count("case.step") == 5 and "change.review" in audited
    assert watched_page.problems() == []
    store.dispose()


def review_and_open(page: Any, url: str, store: Store, candidate_id: int) -> int:
    """On /thay-doi: see the pair and the cone, mark a new construction, open its case."""
    page.goto(url + "/thay-doi")
    page.wait_for_selector("#changes-before", timeout=15_000)
    page.wait_for_function(  # both pictures really load (served by /files/snapshots/)
        "() => ['changes-before', 'changes-after'].every(i => {"
        " const e = document.getElementById(i); return e && e.complete && e.naturalWidth > 0; })",
        timeout=10_000,
    )
    page.wait_for_function(  # the camera's view cone and the camera on the map
        "() => { const g = document.querySelector('#changes-map .js-plotly-plot');"
        " return !!g && !!g.data && g.data.length === 2; }",
        timeout=15_000,
    )
    page.get_by_role("button", name="Dự án đã cấp phép").click()  # no permit number: refused
    text_in(page, "#changes-message", "cần số giấy phép")
    page.get_by_role("button", name="Công trình mới").click()
    text_in(page, "#changes-message", f"Đã lưu kết luận cho thay đổi #{candidate_id}")
    text_in(page, "#changes-queue", "Chưa có thay đổi nào chờ xem xét")
    page.locator("#changes-awaiting").get_by_role("button", name="Mở vụ việc").click()
    text_in(page, "#changes-message", "Đã mở vụ việc #")
    with store.session() as session:
        case = session.scalars(select(ViolationCase)).one()
        case_id = case.id
        assert (case.candidate_id, case.unit_code, case.kind) == (
            candidate_id,
            "W1",
            "unpermitted_construction",
        )
    text_in(page, "#changes-recent", f"Vụ việc #{case_id}")  # the candidate shows its case

    return int(case_id)


def follow_to_remedy(page: Any, url: str, case_id: int) -> None:
    """On /vu-viec: the five steps in order, the unit page's counts moving with them."""
    unit_counts(page, url)
    assert count_of(page, "opened") == "1"

    page.goto(url + "/vu-viec")
    page.wait_for_selector(f"#cases-row-{case_id}[data-step='opened']", timeout=15_000)
    record(page, case_id, *STEPS[0])
    record(page, case_id, *STEPS[1])

    unit_counts(page, url)
    assert count_of(page, "record_made") == "1" and count_of(page, "opened") == "0"

    page.goto(url + "/vu-viec")
    row = page.locator(f"#cases-row-{case_id}")
    row.get_by_role("button", name="Ghi bước: Quyết định xử phạt").click()
    page.wait_for_selector("#cases-form:not([hidden])", timeout=10_000)
    page.fill("#cases-form-officer", "Phạm Văn D")
    page.fill("#cases-form-document", "VB-sanction")
    page.fill("#cases-form-decision", "15/QĐ-XPHC")
    page.click("#cases-form-confirm")  # the fine is missing: refused with a clear reason
    text_in(page, "#cases-message", "thiếu số tiền phạt")
    page.fill("#cases-form-amount", "40.000.000")
    page.click("#cases-form-confirm")
    page.wait_for_selector(f"#cases-row-{case_id}[data-step='sanction_decided']", timeout=15_000)
    text_in(page, f"#cases-row-{case_id}", "40.000.000 đồng")
    record(page, case_id, *STEPS[3])
    record(page, case_id, *STEPS[4])
    assert page.locator(f"#cases-row-{case_id} .cases-next").count() == 0  # nothing after it
