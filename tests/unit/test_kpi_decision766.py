"""Decision 766 formulas on small hand-computed cases, weights as data, ranks and periods."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime

import pytest

from ioc.kpi.decision766 import CATALOGUES, score
from ioc.kpi.periods import Period, default_era, era_day, era_of
from ioc.kpi.ranking import build_table, competition_ranks
from ioc.kpi.ratio import add_counts
from ioc.kpi.weights import WeightsError, default_weights, parse_weights

PERFECT = {
    "received": 10,
    "published": 10,
    "received_on_time": 10,
    "online": 10,
    "fee_required": 5,
    "paid_online": 5,
    "digitised": 10,
    "finished": 10,
    "finished_on_time": 10,
    "result_digitised": 10,
    "e_result": 10,
    "rated": 4,
    "satisfied": 4,
    "due": 10,
    "overdue_open": 0,
    CATALOGUES: 1,
    "proc_all": 4,
    "proc_announced": 2,
    "proc_announced_on_time": 2,
    "proc_updated": 1,
    "proc_updated_on_time": 1,
    "proc_published_full": 4,
    "proc_online": 4,
    "proc_online_used": 4,
    "proc_fee": 2,
    "proc_fee_payable": 2,
    "proc_fee_paid_online": 2,
    "proc_population": 4,
    "pakn_received": 3,
    "pakn_handled": 3,
    "pakn_on_time": 3,
    "pakn_rated": 2,
    "pakn_satisfied": 2,
}
NO_SOURCE = 6  # points of so_hoa.ban_sao, tai_su_dung, dan_cu_ho_so: the IOC has no records


def test_weights_file_has_six_groups_whose_indicators_add_up() -> None:
    weights = default_weights()
    assert [(g.code, g.points) for g in weights.groups] == [
        ("cong_khai", 18),
        ("tien_do", 20),
        ("truc_tuyen", 12),
        ("thanh_toan", 10),
        ("so_hoa", 22),
        ("hai_long", 18),
    ]
    for group in weights.groups:
        assert sum(i.points for i in group.indicators) == group.points, group.code
    assert sum(g.points for g in weights.groups) == 100
    assert all(not i.checked for i in weights.indicators)  # nothing confirmed yet


def test_weights_json_command_prints_the_tree() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ioc.cli", "kpi", "weights", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    tree = json.loads(done.stdout)
    groups = tree["groups"]
    assert [g["points"] for g in groups] == [18, 20, 12, 10, 22, 18]
    for group in groups:
        assert {"code", "name", "points", "indicators"} <= group.keys()
        assert sum(i["points"] for i in group["indicators"]) == group["points"]
        assert all({"code", "points", "formula"} <= i.keys() for i in group["indicators"])
    assert sum(g["points"] for g in groups) == 100
    online = next(i for i in groups[2]["indicators"] if i["code"] == "truc_tuyen.ho_so")
    assert online["formula"] == "min(6, 6 × online / received / 0.5); received = 0 → 0"


def _one_group(**indicator: object) -> dict[str, object]:
    item = {
        "code": "a.x",
        "name_vi": "x",
        "name_en": "x",
        "numerator": "n",
        "denominator": "d",
        "points": 100,
        **indicator,
    }
    return {
        "groups": [
            {"code": "a", "name_vi": "A", "name_en": "A", "points": 100, "indicators": [item]}
        ]
    }


def test_inconsistent_weights_are_refused() -> None:
    with pytest.raises(WeightsError, match="indicators give 90"):
        parse_weights(_one_group(points=90))
    with pytest.raises(WeightsError, match="empty must be"):
        parse_weights(_one_group(empty="rescale"))
    with pytest.raises(WeightsError, match="full_at"):
        parse_weights(_one_group(full_at=1.5))


def test_perfect_counts_score_every_point_that_has_data() -> None:
    result = score(PERFECT)
    assert result.total == pytest.approx(100 - NO_SOURCE)
    assert result.possible == pytest.approx(100 - NO_SOURCE)
    assert result.indicator("so_hoa.ban_sao").points is None
    assert not result.indicator("so_hoa.ban_sao").has_data


def test_caps_full_at_a_share_below_one() -> None:
    counts = dict(PERFECT, online=3, proc_online=2, satisfied=3, rated=4)
    result = score(counts)
    assert result.indicator("truc_tuyen.ho_so").points == pytest.approx(6 * 0.3 / 0.5)
    assert result.indicator("truc_tuyen.cung_cap").points == pytest.approx(2 * 0.5 / 0.8)
    assert result.indicator("hai_long.ho_so").points == pytest.approx(6 * 0.75 / 0.9)
    capped = score(dict(PERFECT, online=6))  # 60 % online is past the 50 % cap
    assert capped.indicator("truc_tuyen.ho_so").points == pytest.approx(6)


def test_empty_denominators_follow_the_portal_not_a_rescale() -> None:
    counts = dict(
        PERFECT,
        rated=0,
        satisfied=0,
        pakn_handled=0,
        pakn_on_time=0,
        pakn_rated=0,
        pakn_satisfied=0,
        proc_announced=0,
        proc_fee=0,
    )
    result = score(counts)
    assert result.indicator("hai_long.ho_so").points == 0  # nobody rated: 0
    assert result.indicator("hai_long.pakn_dung_han").points == 6  # no PAKN: full
    assert result.indicator("hai_long.pakn_hai_long").points == 6
    assert result.indicator("cong_khai.cong_bo").points == 6
    assert result.indicator("thanh_toan.giao_dich").points == 0
    assert result.group("hai_long").points == pytest.approx(12)


def test_without_a_catalogue_procedure_indicators_have_no_data() -> None:
    counts = {k: v for k, v in PERFECT.items() if not k.startswith("proc_") and k != CATALOGUES}
    result = score(counts)
    catalogue = [
        i for g in result.groups for i in g.indicators if i.definition.source == "catalogue"
    ]
    assert catalogue and all(i.points is None and not i.has_data for i in catalogue)
    assert result.possible == pytest.approx(
        100 - NO_SOURCE - 24
    )  # 6+4+2+2+4+2+2+2 from the catalogue
    assert result.total == pytest.approx(result.possible)


def test_a_unit_without_records_has_no_score_not_zero() -> None:
    result = score({})
    assert result.total is None
    assert all(g.points is None for g in result.groups)


def test_province_total_from_records_not_average_of_units() -> None:
    big = dict(
        PERFECT, received=100, published=100, online=100, digitised=100, received_on_time=100
    )
    small = dict(PERFECT, received=2, published=0, online=2, digitised=2, received_on_time=2)
    table = build_table(
        Period.parse("2026-10"),
        "post2025",
        {"A": big, "B": small},
        {},
        {"A": "Phường A", "B": "Xã B"},
        weights=default_weights(),
    )
    province = table.province.score.indicator("cong_khai.dong_bo").points
    assert province == pytest.approx(6 * 100 / 102)
    units = [table.unit(code) for code in "AB"]
    shares = [u.score.indicator("cong_khai.dong_bo").points or 0.0 for u in units if u]
    assert province != pytest.approx(sum(shares) / 2)
    assert table.province.counts == add_counts([big, small])


def test_ranking_change_and_units_without_data() -> None:
    worse = dict(PERFECT, received_on_time=5)
    table = build_table(
        Period.parse("2026-10"),
        "post2025",
        {"A": worse, "B": PERFECT},
        {"A": PERFECT},
        {"A": "A", "B": "B", "C": "C"},
        weights=default_weights(),
    )
    assert [(u.code, u.rank) for u in table.units] == [("B", 1), ("A", 2), ("C", None)]
    a, b = table.unit("A"), table.unit("B")
    assert a is not None and a.change == pytest.approx(-10)
    assert b is not None and b.change is None


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
