"""The shared aggregates' pure parts: JSON forms, keys, freshness, periods due, locks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ioc.aggregates import kpi, reports
from ioc.aggregates.lock import FileLock, MemoryLock
from ioc.aggregates.reports import Cell, ReportPoint
from ioc.aggregates.shared import Stamp, Want, acceptable
from ioc.kpi.decision766 import score
from ioc.kpi.periods import Period, Week, is_running, period_at, recent_periods
from ioc.kpi.ratio import PROVINCE, add_counts

NOW = datetime(2026, 3, 18, 3, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Lâm Đồng


def through_json(codec: object, value: object) -> object:
    """A value encoded, sent through JSON text (as the table keeps it) and decoded."""
    text = json.dumps(codec.encode(value))  # type: ignore[attr-defined]
    return codec.decode(json.loads(text))  # type: ignore[attr-defined]


def test_report_layers_and_counts_survive_the_table() -> None:
    cells = [Cell(108.43, 11.95, 120, 40), Cell(108.47, 11.95, 3, 0)]
    points = [
        ReportPoint(7, 108.4, 11.9, "received", "moi-truong", True),
        ReportPoint(9, 108.5, 12.0, "resolved", "khac", False),
    ]
    assert through_json(reports.LAYER, cells) == cells
    assert through_json(reports.LAYER, points) == points
    assert through_json(reports.LAYER, []) == []
    assert through_json(reports.COUNTS, (75_000, 312)) == (75_000, 312)


def test_kpi_counts_survive_the_table() -> None:
    counts = {"24778": {"received": 12, "overdue_open": 1}, "24781": {"received": 0}}
    assert through_json(kpi.COUNTS, counts) == counts


def test_a_stored_aggregate_must_match_the_version_and_not_be_expired() -> None:
    stamp = Stamp("v2", NOW - timedelta(seconds=10), NOW + timedelta(seconds=50))
    assert acceptable(stamp, Want("k"), NOW)
    assert acceptable(stamp, Want("k", "v2"), NOW)
    assert not acceptable(stamp, Want("k", "v1"), NOW)
    assert not acceptable(stamp, Want("k"), NOW + timedelta(seconds=50))


def test_keys_tell_weeks_months_and_eras_apart() -> None:
    week, month = period_at(NOW, "week"), period_at(NOW, "month")
    assert isinstance(week, Week) and week.kind == month.kind == "month"  # a Week says "month"
    keys = {
        kpi.counts_key(week, "post2025"),
        kpi.counts_key(month, "post2025"),
        kpi.counts_key(month, "pre2025"),
        kpi.counts_key(month, None),
    }
    assert len(keys) == 4
    assert reports.layer_key(None) != reports.layer_key("24778")
    assert reports.layer_version("a|1", NOW) != reports.layer_version("a|1", NOW + timedelta(1))


def test_running_periods_hold_briefly_closed_ones_long() -> None:
    month = period_at(NOW, "month")
    assert is_running(month, NOW) and not is_running(month.previous(), NOW)
    assert kpi.expiry(month, NOW, 90) == NOW + timedelta(seconds=90)
    assert kpi.expiry(month.previous(), NOW, 90) == NOW + timedelta(seconds=kpi.CLOSED_TTL_S)


def test_recent_periods_are_the_pages_trends() -> None:
    periods = recent_periods(NOW, 8)
    assert len(periods) == 24 and len(set(periods)) == 24
    assert periods[0] == period_at(NOW, "week") and periods[8] == Period("month", 2026, 3)
    assert periods[-1] == Period("quarter", 2024, 2)
    assert sum(is_running(p, NOW) for p in periods) == 3


def test_a_lock_file_admits_one_refresher_until_released(tmp_path: Path) -> None:
    path = tmp_path / "ioc.db.aggregates.lock"
    first, second = FileLock(path), FileLock(path)
    assert first.acquire() and first.acquire()  # holding it already
    assert not second.acquire()
    first.release()
    assert second.acquire()
    assert not first.acquire()
    second.release()


def test_a_memory_lock_admits_one_refresher_per_database() -> None:
    first, second = MemoryLock("sqlite://#a"), MemoryLock("sqlite://#a")
    other = MemoryLock("sqlite://#b")
    assert first.acquire() and not second.acquire() and other.acquire()
    first.release()
    assert second.acquire()
    second.release()
    other.release()


def test_metrics_are_each_units_scores_and_the_provinces() -> None:
    counts = {
        "24778": {"received": 10, "published": 10, "finished": 8, "finished_on_time": 6},
        "24781": {"received": 4, "published": 2, "finished": 4, "finished_on_time": 4},
    }
    metrics = kpi.metrics_of(counts)
    assert set(metrics) == {"24778", "24781", PROVINCE}
    for code in ("24778", "24781"):
        expected = score(counts[code])
        assert metrics[code]["total"] == expected.total
        assert all(metrics[code][g.definition.key] == g.points for g in expected.groups)
    assert metrics[PROVINCE]["total"] == score(add_counts(counts.values())).total
    assert through_json(kpi.METRICS, metrics) == metrics
