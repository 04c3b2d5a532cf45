"""The /reports page in a real Chromium: renders, no console errors, a report moves on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from ioc.auth.user_roles import Role
from ioc.config import Settings
from ioc.reports.intake import ReportIn, create_reports
from ioc.store import open_store
from ioc.store.migrate import upgrade
from ioc.store.models import CitizenReport
from ioc.web.app import create_app
from testkit.helpers import wait_for
from tests.e2e.conftest import WALL, LiveServer, WatchedPage, watch
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
    page.wait_for_selector("#reports-decision:not([hidden])", timeout=10_000)
    page.click("#reports-decision-confirm")  # nobody named: refused, nothing changes
    page.wait_for_function(
        "() => document.querySelector('#reports-message').innerText.includes('cần chọn')",
        timeout=10_000,
    )
    page.click("#reports-decision-assignee")
    option = page.locator(".dash-dropdown-option").first
    option.wait_for(timeout=5_000)
    option.click()
    page.click("#reports-decision-confirm")
    page.wait_for_selector(f"#reports-row-{report_id} [data-status='assigned']", timeout=10_000)

    def assigned() -> bool:
        with store.session() as session:
            found = session.get(CitizenReport, report_id)
            return found is not None and found.status == "assigned"

    assert wait_for(assigned, timeout=5)
    with store.session() as session:
        found = session.get(CitizenReport, report_id)
        assert found is not None and found.agency and found.status_notes.startswith("Giao cho: ")
    assert watched_page.problems() == []
    store.dispose()


def open_step(page: Any, report_id: int, step: str) -> None:
    page.locator(f"#reports-row-{report_id}").get_by_role("button", name=step).click()
    page.wait_for_selector("#reports-decision:not([hidden])", timeout=10_000)


def message_says(page: Any, text: str) -> None:
    page.wait_for_function(
        "t => document.querySelector('#reports-message').innerText.includes(t)",
        arg=text,
        timeout=10_000,
    )


def test_reject_needs_a_reason_and_duplicate_links_both_reports(
    tmp_path: Path, serve: Callable[[Any], LiveServer], watched_page: WatchedPage
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    seed(store)
    with store.session() as session:
        items = [
            ReportIn("moi_truong", *HO_XUAN_HUONG, text, external_id=f"e2e-{n}")
            for n, text in enumerate(("Rác bên hồ", "Rác bên hồ lần nữa", "Quảng cáo"))
        ]
        original, duplicate, spam = (int(r.id or 0) for r in create_reports(session, store, items))
    live = serve(create_app(Settings(var_dir=tmp_path, web={"refresh_s": 1.0}), store).server)
    watched_page.sign_in(live)
    page = watched_page.page
    page.goto(live.url + "/reports")
    page.locator(f"#reports-row-{spam}").wait_for(timeout=15_000)

    open_step(page, spam, "Từ chối")
    assert "Lý do" in page.inner_text("#reports-decision")
    page.click("#reports-decision-confirm")
    message_says(page, "cần ghi lý do")
    page.fill("#reports-decision-note", "Nội dung quảng cáo, không phải phản ánh")
    page.click("#reports-decision-confirm")
    page.wait_for_selector(f"#reports-row-{spam} [data-status='rejected']", timeout=10_000)

    open_step(page, duplicate, "Trùng")
    page.fill("#reports-decision-original", str(duplicate))  # itself: refused
    page.click("#reports-decision-confirm")
    message_says(page, "phản ánh gốc")
    page.fill("#reports-decision-original", f"#{original}")
    page.click("#reports-decision-confirm")
    page.wait_for_selector(f"#reports-row-{duplicate} [data-status='duplicate']", timeout=10_000)
    page.wait_for_function(
        "t => document.querySelector(t).innerText.includes('Có phản ánh trùng')",
        arg=f"#reports-row-{original}",
        timeout=10_000,
    )
    assert f"Trùng với #{original}" in page.inner_text(f"#reports-row-{duplicate}")
    assert f"#{duplicate}" in page.inner_text(f"#reports-row-{original}")
    with store.session() as session:
        rejected = session.get(CitizenReport, spam)
        closed = session.get(CitizenReport, duplicate)
        assert rejected is not None and rejected.status_notes.startswith("Nội dung quảng cáo")
        assert closed is not None and closed.duplicate_of == original
    server = live.server.app
    assert isinstance(server, Flask)
    status = server.test_client().get(f"/open311/v2/requests/{duplicate}.json")
    assert status.get_json()[0]["status_notes"] == f"Trùng với phản ánh #{original}"
    assert watched_page.problems() == []
    store.dispose()


def test_viewer_sees_personal_data_masked_and_the_unit_operator_whole(
    tmp_path: Path, serve: Callable[[Any], LiveServer], browser: Any
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    seed(store)
    text = "Rác ở hẻm 45/7, gọi chị Lan 0912 345 678 hoặc lan@example.vn"
    with store.session() as session:
        item = ReportIn("moi_truong", *HO_XUAN_HUONG, text, external_id="e2e-pii")
        report_id = create_reports(session, store, [item])[0].id
    live = serve(create_app(Settings(var_dir=tmp_path, web={"refresh_s": 1.0}), store).server)
    seen = {}
    for role, unit in ((Role.VIEWER, None), (Role.LEADER, None), (Role.OPERATOR, "672")):
        context = browser.new_context(viewport=WALL, locale="vi-VN")
        try:
            live.sign_in(context, role, unit)
            page = watch(context.new_page(), live.url)
            page.page.goto(live.url + "/reports")
            row = page.page.locator(f"#reports-row-{report_id}")
            row.wait_for(timeout=15_000)
            seen[role] = row.inner_text()
            assert page.problems() == []
        finally:
            context.close()
    for role in (Role.VIEWER, Role.LEADER):
        assert "0912" not in seen[role] and "lan@" not in seen[role] and "Lan" not in seen[role]
        assert "hẻm ***" in seen[role] and "chị ***" in seen[role]
    assert "0912 345 678" in seen[Role.OPERATOR] and "lan@example.vn" in seen[Role.OPERATOR]
    store.dispose()
