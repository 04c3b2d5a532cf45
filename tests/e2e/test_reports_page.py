"""The /reports page in a real Chromium: renders, no console errors, a report moves on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ioc.config import Settings
from ioc.reports.intake import ReportIn, create_reports
from ioc.store import open_store
from ioc.store.migrate import upgrade
from ioc.store.models import CitizenReport
from ioc.web.app import create_app
from testkit.helpers import wait_for
from tests.e2e.conftest import LiveServer, WatchedPage
from tests.reports_support import HO_XUAN_HUONG, seed

pytestmark = pytest.mark.e2e


def test_reports_page_moves_a_report_to_assigned(
    tmp_path: Path, serve: Callable[[Any], LiveServer], watched_page: WatchedPage
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    seed(store)
    with store.session() as session:
        item = ReportIn("moi_truong", *HO_XUAN_HUONG, "Rác tồn đọng", external_id="e2e-1")
        report_id = create_reports(session, store, [item])[0].id
    live = serve(create_app(Settings(var_dir=tmp_path, web={"refresh_s": 1.0}), store).server)
    watched_page.sign_in(live)
    page = watched_page.page
    page.goto(live.url + "/reports")
    row = page.locator(f"#reports-row-{report_id}")
    row.wait_for(timeout=15_000)
    assert row.locator("[data-status]").get_attribute("data-status") == "received"
    assert "Đến hiện trường còn" in row.inner_text()
    assert page.locator("#reports-kpi-received").inner_text() == "1"
    row.get_by_role("button", name="Giao xử lý").click()
    page.wait_for_selector(f"#reports-row-{report_id} [data-status='assigned']", timeout=10_000)

    def assigned() -> bool:
        with store.session() as session:
            found = session.get(CitizenReport, report_id)
            return found is not None and found.status == "assigned"

    assert wait_for(assigned, timeout=5)
    assert watched_page.problems() == []
    store.dispose()
