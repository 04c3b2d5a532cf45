"""The order of a violation case's steps and what each must carry (pure rules)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from ioc.violations.steps import (
    AGE_BANDS,
    KINDS,
    OPENED,
    OVERDUE_BAND,
    OVERDUE_DAYS,
    REPORT_KINDS,
    STEPS,
    StepEntry,
    StepError,
    age_band,
    check_step,
    check_verdict,
    next_step,
    parse_amount,
)

TODAY = date(2026, 3, 10)


def entry(step: str, on: date = TODAY, **extra: object) -> StepEntry:
    values: dict[str, object] = {"officer": "Nguyễn Văn A", "document": "BB-01/2026"}
    values.update(extra)
    return StepEntry(step, on, **values)  # type: ignore[arg-type]


def code_of(current: str, wanted: StepEntry, last: date | None = None) -> str:
    with pytest.raises(StepError) as caught:
        check_step(current, last, wanted, TODAY)
    return caught.value.code


def test_the_steps_follow_one_order_to_the_remedy() -> None:
    current, seen = OPENED, []
    while (step := next_step(current)) is not None:
        seen.append(step)
        current = step
    assert tuple(seen) == STEPS and current == "remedy_done"


def test_no_step_is_skipped_repeated_or_taken_after_the_remedy() -> None:
    assert code_of(OPENED, entry("record_made")) == "order"
    assert code_of("inspected", entry("sanction_decided")) == "order"
    assert code_of("inspected", entry("inspected")) == "order"
    assert code_of("record_made", entry("inspected")) == "order"
    assert code_of("remedy_done", entry("remedy_done")) == "closed"
    assert code_of(OPENED, entry("approved")) == "unknown_step"
    check_step(OPENED, None, entry("inspected"), TODAY)  # the first step is fine


def test_a_step_carries_officer_document_and_a_sane_date() -> None:
    assert code_of(OPENED, entry("inspected", officer=" ")) == "no_officer"
    assert code_of(OPENED, entry("inspected", document="")) == "no_document"
    assert code_of(OPENED, entry("inspected", on=date(2026, 3, 11))) == "future"
    earlier = entry("record_made", on=date(2026, 3, 1))
    assert code_of("inspected", earlier, last=date(2026, 3, 2)) == "before_previous"
    check_step("inspected", date(2026, 3, 1), earlier, TODAY)  # the same day is fine


def test_a_sanction_needs_its_number_and_a_positive_amount() -> None:
    assert code_of("record_made", entry("sanction_decided", amount_vnd=5_000_000)) == "no_decision"
    no_sum = entry("sanction_decided", decision_no="12/QĐ-XPHC")
    assert code_of("record_made", no_sum) == "no_amount"
    zero = entry("sanction_decided", decision_no="12/QĐ-XPHC", amount_vnd=0)
    assert code_of("record_made", zero) == "no_amount"
    fine = entry("sanction_decided", decision_no="12/QĐ-XPHC", amount_vnd=40_000_000)
    check_step("record_made", None, fine, TODAY)


def test_a_known_project_needs_its_permit_and_verdicts_are_a_closed_list() -> None:
    with pytest.raises(StepError, match="permit"):
        check_verdict("known_project", "  ")
    with pytest.raises(StepError):
        check_verdict("maybe", "")
    check_verdict("known_project", "GPXD 123/2026")
    check_verdict("nothing", "")


@pytest.mark.parametrize(
    ("days", "band"), [(0, "lt30"), (29.9, "lt30"), (30, "d30_90"), (89.9, "d30_90"), (90, "gt90")]
)
def test_age_bands(days: float, band: str) -> None:
    assert age_band(days) == band


def test_amounts_as_typed() -> None:
    assert parse_amount("1.500.000") == 1_500_000
    assert parse_amount(" 40 000 000 ") == 40_000_000
    assert parse_amount("-5") is None and parse_amount("abc") is None and parse_amount(None) is None
    assert parse_amount(True) is None and parse_amount(7) == 7


def test_overdue_is_the_last_age_band() -> None:
    assert (OVERDUE_BAND, OVERDUE_DAYS) == ("gt90", 90)
    assert age_band(OVERDUE_DAYS - 0.01) != OVERDUE_BAND == age_band(OVERDUE_DAYS)
    assert AGE_BANDS[-1][0] == OVERDUE_BAND


def test_report_categories_suggest_known_kinds() -> None:
    """Every suggestion names a real category of the shipped list and a real case kind."""
    shipped = Path(__file__).resolve().parents[2] / "data" / "report_categories.csv"
    with shipped.open(encoding="utf-8") as handle:
        codes = {row["code"] for row in csv.DictReader(handle)}
    assert set(REPORT_KINDS) <= codes
    assert set(REPORT_KINDS.values()) <= set(KINDS)
    assert REPORT_KINDS["trat_tu_xay_dung"] == "unpermitted_construction"
    assert "moi_truong" not in REPORT_KINDS  # pollution is no case kind of its own
