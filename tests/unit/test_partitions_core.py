"""Pure parts of partitioning and retention: intervals, names, bounds, cut-offs, file kinds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ioc.config import RetentionSettings
from ioc.maintenance.files import is_clip
from ioc.maintenance.job import strip_of
from ioc.maintenance.rows import cutoff
from ioc.store.partitions import (
    PARTITIONED,
    Partition,
    floor,
    missing_periods,
    parse_bound,
    partition_name,
    periods,
    step,
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_floor_is_in_utc_whatever_the_zone() -> None:
    hanoi = timezone(timedelta(hours=7))
    assert floor(datetime(2026, 12, 1, 3, 0, tzinfo=hanoi), "month") == utc(2026, 11, 1)
    assert floor(utc(2026, 11, 25, 13, 5), "day") == utc(2026, 11, 25)
    assert floor(utc(2026, 11, 25), "year") == utc(2026, 1, 1)


def test_steps_cross_year_ends_both_ways() -> None:
    assert step(utc(2026, 11, 1), "month", 3) == utc(2027, 2, 1)
    assert step(utc(2026, 1, 1), "month", -13) == utc(2024, 12, 1)
    assert step(utc(2026, 1, 1), "year", -1) == utc(2025, 1, 1)
    assert step(utc(2026, 2, 28), "day", 1) == utc(2026, 3, 1)


def test_periods_and_names() -> None:
    starts = periods(utc(2026, 11, 25), utc(2027, 2, 1), "month")
    assert [partition_name("detections", s, "month") for s in starts] == [
        "detections_p202611",
        "detections_p202612",
        "detections_p202701",
        "detections_p202702",
    ]
    assert partition_name("audit_log", utc(2026, 1, 1), "year") == "audit_log_p2026"
    assert partition_name("x", utc(2026, 1, 2), "day") == "x_p20260102"


def test_catalog_bounds_are_parsed() -> None:
    expression = "FOR VALUES FROM ('2026-11-01 00:00:00+00') TO ('2026-12-01 00:00:00+00')"
    assert parse_bound(expression) == (utc(2026, 11, 1), utc(2026, 12, 1))
    assert parse_bound("FOR VALUES FROM (MINVALUE) TO ('2020-01-01 00:00:00+00')") == (
        None,
        utc(2020, 1, 1),
    )
    assert parse_bound("DEFAULT") is None


def test_only_whole_partitions_older_than_the_cutoff_expire() -> None:
    cut = utc(2025, 11, 1)
    assert Partition("p202510", utc(2025, 10, 1), utc(2025, 11, 1)).older_than(cut)
    assert not Partition("p202511", utc(2025, 11, 1), utc(2025, 12, 1)).older_than(cut)
    assert not Partition("wide", utc(2025, 1, 1), utc(2025, 12, 1)).older_than(cut)
    assert not Partition("d", None, None, default=True).older_than(cut)
    assert not Partition("low", None, utc(2030, 1, 1)).older_than(cut)


def test_missing_periods_skip_anything_an_existing_partition_touches() -> None:
    existing = [
        Partition("by_hand", utc(2026, 11, 15), utc(2026, 12, 15)),
        Partition("d", None, None, default=True),
    ]
    starts = periods(utc(2026, 10, 1), utc(2027, 1, 1), "month")
    assert missing_periods(existing, starts, "month") == [
        (utc(2026, 10, 1), utc(2026, 11, 1)),
        (utc(2027, 1, 1), utc(2027, 2, 1)),
    ]


@pytest.mark.parametrize(
    ("months", "expected"), [(12, utc(2025, 11, 1)), (6, utc(2026, 5, 1)), (0, None)]
)
def test_cutoff_keeps_whole_months(months: int, expected: datetime | None) -> None:
    assert cutoff(utc(2026, 11, 25, 12), months) == expected


def test_every_partitioned_table_has_a_retention_and_the_audit_log_is_kept() -> None:
    settings = RetentionSettings()
    assert {t: settings.keep_months(t) for t in PARTITIONED} == {
        "detections": 12,
        "sensor_readings": 6,
        "audit_log": 0,
    }
    assert settings.keep_months("audit_log") == 0
    assert settings.keep_months("unknown_table") == 0


def test_clips_are_strips_and_videos() -> None:
    assert is_clip("20261125T073112000Z-smoke-ab12cd-strip.jpg")
    assert is_clip("event.MP4")
    assert not is_clip("20261125T073112000Z-smoke-ab12cd.jpg")
    assert strip_of("snapshots/c1/x-smoke-1.jpg") == "snapshots/c1/x-smoke-1-strip.jpg"
