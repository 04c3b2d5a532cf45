"""The open-case counts as the unit page shows them (a table, or the empty state, not zeros)
and as the overview sums them up; the report row's case button or link."""

from __future__ import annotations

import json

from ioc.auth.principal import Principal
from ioc.auth.user_roles import Role
from ioc.pages.case_views import (
    OpenSummary,
    counts_table,
    fingerprint,
    money,
    open_summary,
    summary_view,
)
from ioc.pages.report_decisions import CASE, case_button, panel_step
from ioc.store.models import CitizenReport


def text(component: object) -> str:
    return json.dumps(component, default=lambda o: o.to_plotly_json(), ensure_ascii=False)


def test_no_open_case_says_so_instead_of_zeros() -> None:
    zeros = {"opened": {"lt30": 0, "d30_90": 0, "gt90": 0}}
    assert "Chưa có vụ việc vi phạm nào đang mở" in text(counts_table(zeros, "vi", "unit"))
    assert "No open violation case" in text(counts_table({}, "en", "unit"))


def test_counts_by_step_and_age_with_totals() -> None:
    counts = {
        "opened": {"lt30": 2, "d30_90": 0, "gt90": 1},
        "record_made": {"lt30": 0, "d30_90": 4, "gt90": 0},
    }
    shown = text(counts_table(counts, "vi", "unit"))
    assert '"data-total": "7"' in shown
    for label in ("Mới mở", "Đã lập biên bản", "Dưới 30 ngày", "30–90 ngày", "Trên 90 ngày"):
        assert label in shown
    assert '"children": "3"' in shown and '"children": "4"' in shown  # the rows' totals


def test_money_and_fingerprints() -> None:
    assert money(40_000_000) == "40.000.000" and money(None) == ""
    assert fingerprint("vi", [1, 2]) == fingerprint("vi", [1, 2]) != fingerprint("vi", [2, 1])


COUNTS = {
    "opened": {"lt30": 2, "d30_90": 0, "gt90": 1},
    "inspected": {"lt30": 0, "d30_90": 0, "gt90": 0},
    "sanction_decided": {"lt30": 0, "d30_90": 1, "gt90": 3},
}


def test_the_summary_counts_open_and_overdue_cases_by_step() -> None:
    assert open_summary(COUNTS) == OpenSummary(
        total=7, overdue=4, by_step=(("opened", 3), ("sanction_decided", 4))
    )
    assert open_summary({}) == OpenSummary(0, 0, ())


def test_the_overview_summary_says_open_overdue_and_links_the_cases_page() -> None:
    shown = text(summary_view(COUNTS, "vi", "overview"))
    assert '"data-total": "7"' in shown and '"data-overdue": "4"' in shown
    assert "4 quá 90 ngày" in shown and "case-summary-late" in shown
    assert "Mới mở" in shown and "Đã quyết định xử phạt" in shown
    assert "Đã kiểm tra" not in shown  # a step without an open case is left out
    assert '"href": "/vu-viec"' in shown
    calm = text(summary_view({"opened": {"lt30": 1, "d30_90": 0, "gt90": 0}}, "en", "overview"))
    assert "0 over 90 days" in calm and "case-summary-late" not in calm


def test_the_overview_summary_without_open_cases_says_where_they_start() -> None:
    zeros = {"opened": {"lt30": 0, "d30_90": 0, "gt90": 0}}
    shown = text(summary_view(zeros, "vi", "overview"))
    assert "Chưa có vụ việc vi phạm nào đang mở" in shown
    assert "Mở bằng nút “Mở vụ việc”" in shown and '"href": "/vu-viec"' in shown
    assert "quá 90 ngày" not in shown


def report(unit: str = "24823") -> CitizenReport:
    return CitizenReport(id=12, unit_code=unit, service_code="trat_tu_xay_dung", status="received")


OPERATOR = Principal("operator.673", Role.OPERATOR, unit_code="673", units=frozenset({"24823"}))


def test_the_row_offers_a_case_to_those_who_may_handle_it_and_links_one_that_exists() -> None:
    button = text(case_button(report(), None, "vi", OPERATOR))
    assert '"type": "reports-case"' in button and "Mở vụ việc" in button
    assert "Dẫn tới vụ việc #5" in text(case_button(report(), 5, "vi", OPERATOR))
    viewer = Principal("xem.673", Role.VIEWER, unit_code="673", units=frozenset({"24823"}))
    field = Principal("field.673", Role.FIELD, unit_code="673", units=frozenset({"24823"}))
    for reader in (viewer, field):
        assert case_button(report(), None, "vi", reader) is None
        assert "Dẫn tới vụ việc #5" in text(case_button(report(), 5, "vi", reader))
    assert case_button(report("24781"), None, "vi", OPERATOR) is None  # another unit's


def test_which_row_buttons_open_the_panel() -> None:
    assert panel_step({"type": "reports-case", "report": 3}) == (3, CASE)
    assert panel_step({"type": "reports-action", "report": 3, "to": "rejected"}) == (3, "rejected")
    assert panel_step({"type": "reports-action", "report": 3, "to": "in_progress"}) is None
    assert panel_step({"type": "reports-action", "report": 3, "to": CASE}) is None
    assert panel_step("reports-decision-cancel") is None
