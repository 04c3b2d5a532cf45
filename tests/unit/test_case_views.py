"""The open-case counts as the unit page shows them: a table, or the empty state (not zeros)."""

from __future__ import annotations

import json

from ioc.pages.case_views import counts_table, fingerprint, money


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
