"""A case opened where the operator decides, in a real Chromium: on ``/reports`` an operator
of Phường Xuân Hương presses "Mở vụ việc" on a construction report, the decision panel
proposes the kind from the report's category, the confirmation opens the case, the row then
links it instead of offering a second one, and the link leads to the case on ``/vu-viec``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ioc.auth.user_roles import Role
from ioc.config import Settings
from ioc.reports.intake import ReportIn, create_reports
from ioc.store import open_store
from ioc.store.migrate import upgrade
from ioc.store.models_audit import AuditEntry
from ioc.store.models_violations import ViolationCase
from ioc.web.app import create_app
from tests.e2e.conftest import LiveServer, WatchedPage
from tests.e2e.test_violation_cases import text_in as says
from tests.reports_support import HO_XUAN_HUONG, seed

pytestmark = pytest.mark.e2e

XUAN_HUONG = "24781"


def test_an_operator_opens_a_case_from_the_report_panel_and_finds_it_on_the_cases_page(
    tmp_path: Path, serve: Callable[[Any], LiveServer], watched_page: WatchedPage
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    seed(store)
    with store.session() as session:
        item = ReportIn(
            "trat_tu_xay_dung", *HO_XUAN_HUONG, "Xây nhà trên đất công", external_id="e2e-case"
        )
        report_id = int(create_reports(session, store, [item])[0].id or 0)
    live = serve(create_app(Settings(var_dir=tmp_path, web={"refresh_s": 1.0}), store).server)
    watched_page.sign_in(live, Role.OPERATOR, XUAN_HUONG)
    page = watched_page.page

    page.goto(live.url + "/reports")
    row = page.locator(f"#reports-row-{report_id}")
    row.wait_for(timeout=15_000)
    row.get_by_role("button", name="Mở vụ việc").click()
    page.wait_for_selector("#reports-decision:not([hidden])", timeout=10_000)
    panel = page.locator("#reports-decision")
    says(page, "#reports-decision", f"Phản ánh #{report_id}: Mở vụ việc")
    assert "Xây dựng không phép" in panel.inner_text()  # proposed from the category
    page.fill("#reports-decision-note", "Nhà 3 tầng xây trên đất công")
    page.click("#reports-decision-confirm")
    says(page, "#reports-message", f"từ phản ánh #{report_id}")
    page.wait_for_selector("#reports-decision", state="hidden", timeout=10_000)

    with store.session() as session:
        case = session.scalars(select(ViolationCase)).one()
        actions = session.scalars(select(AuditEntry.action)).all()
    assert (case.origin, case.report_id, case.kind, case.unit_code) == (
        "report",
        report_id,
        "unpermitted_construction",
        XUAN_HUONG,
    )
    assert case.note == "Nhà 3 tầng xây trên đất công" and "case.open" in actions
    says(page, f"#reports-row-{report_id}", f"Dẫn tới vụ việc #{case.id}")
    assert row.get_by_role("button", name="Mở vụ việc").count() == 0  # one case per report

    row.get_by_role("link", name=f"Dẫn tới vụ việc #{case.id}").click()
    page.wait_for_url(live.url + "/vu-viec", timeout=10_000)
    case_row = page.locator(f"#cases-row-{case.id}[data-step='opened']")
    case_row.wait_for(timeout=15_000)
    shown = case_row.inner_text()
    assert f"Phản ánh #{report_id}" in shown and "Xây dựng không phép" in shown
    assert "Mới mở" in shown
    assert watched_page.problems() == []
    store.dispose()
