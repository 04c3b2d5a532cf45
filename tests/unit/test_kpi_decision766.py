"""Decision 766 formulas on small hand-computed cases, weights as data, ranks and periods."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ioc.kpi.decision766 import score
from ioc.kpi.periods import Period, default_era, era_day, era_of
from ioc.kpi.ranking import build_table, competition_ranks
from ioc.kpi.ratio import Ratio, add_counts
from ioc.kpi.weights import WeightsError, default_weights, load_weights, parse_weights

PERFECT = {
    "received": 10, "published": 10, "with_due": 10, "online_capable": 8,
    "online_capable_online": 8, "full_online": 4, "full_online_online": 4, "fee_required": 5,
    "paid_online": 5, "digitised": 10, "finished": 10, "finished_on_time": 10,
    "result_digitised": 10, "e_result": 10, "rated": 4, "satisfied": 4, "due": 10,
    "overdue_open": 0,
}  # fmt: skip


def test_weights_file_adds_up_to_100_in_five_groups() -> None:
    weights = default_weights()
    assert [g.key for g in weights.groups] == [
        "cong_khai", "tien_do", "truc_tuyen", "so_hoa", "hai_long"
    ]  # fmt: skip
    assert sum(g.points for g in weights.groups) == 100
    assert weights.missing == "rescale"


def test_inconsistent_weights_are_refused() -> None:
    raw = {"groups": {"a": {"name_vi": "A", "name_en": "A", "points": 100}}, "indicators": [
        {"key": "a.x", "group": "a", "name_vi": "x", "name_en": "x", "numerator": "n",
         "denominator": "d", "points": 90}]}  # fmt: skip
    with pytest.raises(WeightsError, match="sub-indicators give 90"):
        parse_weights(raw)


def test_perfect_unit_scores_100() -> None:
    assert score(PERFECT).total == pytest.approx(100)


def test_hand_computed_unit() -> None:
    counts = dict(PERFECT, finished_on_time=7, overdue_open=2, satisfied=3, published=5)
    result = score(counts)
    # tiến độ: 14 × 7/10 + 6 × (1 - 2/10) = 9.8 + 4.8 = 14.6
    assert result.group("tien_do").points == pytest.approx(14.6)
    # hài lòng: 18 × 3/4 = 13.5 ; công khai: 10 × 5/10 + 8 = 13
    assert result.group("hai_long").points == pytest.approx(13.5)
    assert result.group("cong_khai").points == pytest.approx(13.0)
    assert result.total == pytest.approx(100 - 5.4 - 4.5 - 5.0)
    assert result.indicator("tien_do.dung_han").ratio == Ratio(7, 10)


def test_empty_period_has_no_score() -> None:
    result = score({})
    assert result.total is None
    assert all(g.points is None for g in result.groups)


def test_open_dossiers_past_due_cost_points() -> None:
    counts = dict(PERFECT, due=4, overdue_open=4)
    result = score(counts)
    assert result.indicator("tien_do.ton_qua_han").share == 0.0
    assert result.group("tien_do").points == pytest.approx(14.0)


def test_unit_with_no_online_services_is_rescaled_not_zeroed() -> None:
    counts = dict(PERFECT, online_capable=0, online_capable_online=0, full_online=0,
                  full_online_online=0)  # fmt: skip
    result = score(counts)
    assert result.indicator("truc_tuyen.ho_so").points is None
    assert result.group("truc_tuyen").points == pytest.approx(22)  # payment alone, scaled
    assert result.total == pytest.approx(100)


def test_zero_policy_scores_missing_indicators_as_nothing(tmp_path) -> None:
    text = default_weights_text().replace('missing = "rescale"', 'missing = "zero"')
    path = tmp_path / "w.toml"
    path.write_text(text, encoding="utf-8")
    counts = dict(PERFECT, online_capable=0, full_online=0)
    assert score(counts, load_weights(path)).group("truc_tuyen").points == pytest.approx(10)


def default_weights_text() -> str:
    from ioc.kpi.weights import WEIGHTS_FILE

    return WEIGHTS_FILE.read_text(encoding="utf-8")


def test_online_share_zero_when_offered_but_unused() -> None:
    counts = dict(PERFECT, online_capable_online=0, full_online_online=0)
    assert score(counts).group("truc_tuyen").points == pytest.approx(10)


def test_province_total_from_records_not_average_of_units() -> None:
    big = dict(PERFECT, received=100, published=100, with_due=100, digitised=100)
    small = dict(PERFECT, received=2, published=0, with_due=2, digitised=2)
    table = build_table(
        Period.parse("2026-10"), "post2025", {"A": big, "B": small}, {},
        {"A": "Phường A", "B": "Xã B"}, weights=default_weights(),
    )  # fmt: skip
    province = table.province.score.group("cong_khai").points
    assert province == pytest.approx(10 * 100 / 102 + 8)
    units = [table.unit(code) for code in "AB"]
    shares = [u.score.group("cong_khai").points or 0.0 for u in units if u is not None]
    average = sum(shares) / 2
    assert province != pytest.approx(average)
    assert table.province.counts == add_counts([big, small])


def test_ranking_change_and_units_without_data() -> None:
    worse = dict(PERFECT, finished_on_time=5)
    table = build_table(
        Period.parse("2026-10"), "post2025", {"A": worse, "B": PERFECT},
        {"A": PERFECT}, {"A": "A", "B": "B", "C": "C"}, weights=default_weights(),
    )  # fmt: skip
    assert [(u.code, u.rank) for u in table.units] == [("B", 1), ("A", 2), ("C", None)]
    assert table.unit("A").change == pytest.approx(-7)  # type: ignore[union-attr]
    assert table.unit("B").change is None  # type: ignore[union-attr]


def test_competition_ranks_share_ties() -> None:
    ranks = competition_ranks({"a": 90.0, "b": 95.0, "c": 90.001, "d": None, "e": 80.0})
    assert ranks == {"b": 1, "a": 2, "c": 2, "e": 4, "d": None}


def test_periods_parse_bounds_and_shift() -> None:
    month = Period.parse("2026-01")
    assert str(month.previous()) == "2025-12"
    assert str(Period.parse("2026-q1").previous()) == "2025-Q4"
    assert str(Period.parse("2026").shift(-2)) == "2024"
    start, end = Period.parse("2025-07").bounds()
    assert start == datetime(2025, 6, 30, 17, tzinfo=UTC)
    assert end == datetime(2025, 7, 31, 17, tzinfo=UTC)
    with pytest.raises(ValueError):
        Period.parse("2026-13")


def test_eras_split_at_1_july_2025_local_time() -> None:
    assert era_of(datetime(2025, 6, 30, 16, 59, tzinfo=UTC)) == "pre2025"
    assert era_of(datetime(2025, 6, 30, 17, 0, tzinfo=UTC)) == "post2025"  # 00:00 local
    assert default_era(Period.parse("2025-06")) == "pre2025"
    assert default_era(Period.parse("2025-07")) == "post2025"
    assert default_era(Period.parse("2025")) == "post2025"
    assert era_day("pre2025", Period.parse("2025")) == date(2025, 6, 30)
    assert era_day("post2025", Period.parse("2025")) == date(2025, 7, 1)
