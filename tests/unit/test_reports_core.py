"""Pure parts of citizen reports: SLA clock (frozen times), KPIs, layer, EXIF, CSV rows."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from ioc.aggregates.reports import ReportPoint
from ioc.pages.reports_cards import hours_text
from ioc.reports.categories import read_categories
from ioc.reports.csv_rows import CsvReport, Rejected, parse_row
from ioc.reports.duplicates import distance_m, is_likely_duplicate
from ioc.reports.exif import gps_lonlat
from ioc.reports.kpis import KpiRow, compute_kpis
from ioc.reports.media import MediaError, image_kind, reencode
from ioc.reports.workflow import allowed_next, open311_status
from ioc.sim.reports import WEIGHTS, reports_this_minute, simulated_reports
from ioc.sla_clock import (
    ALWAYS,
    Sla,
    add_working_time,
    calendar_from,
    countdown,
    deadlines,
    sla_status,
)
from ioc.timeutil import LOCAL_TZ
from layers.reports import grid_cells, report_trace
from tests.reports_support import jpeg, jpeg_with_gps

OFFICE = calendar_from("07:00-17:00", [0, 1, 2, 3, 4])
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=LOCAL_TZ)  # a Monday, 08:00 local


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=LOCAL_TZ)


def test_round_the_clock_deadlines() -> None:
    onsite, result = deadlines(local(2, 22), Sla(2, 6), ALWAYS)
    assert (onsite, result) == (local(3, 0), local(3, 4))


def test_office_hours_stop_the_clock_at_night_and_weekends() -> None:
    assert add_working_time(local(2, 16), 2, OFFICE) == local(3, 8)  # Mon 16:00 → Tue 08:00
    assert add_working_time(local(6, 16), 2, OFFICE) == local(9, 8)  # Fri → next Monday
    assert add_working_time(local(7, 10), 6, OFFICE) == local(9, 13)  # Saturday report
    assert add_working_time(local(2, 5), 1, OFFICE) == local(2, 8)  # before opening
    with pytest.raises(ValueError):
        calendar_from("17:00-07:00", [0])


def test_sla_status_phases_with_a_frozen_clock() -> None:
    onsite, result = local(2, 10), local(2, 14)
    waiting = sla_status("received", onsite, result, None, local(2, 9, 30))
    assert (waiting.phase, waiting.remaining, waiting.overdue) == (
        "onsite",
        timedelta(minutes=30),
        False,
    )
    assert sla_status("assigned", onsite, result, None, local(2, 10, 1)).overdue
    handled = sla_status("in_progress", onsite, result, local(2, 9), local(2, 13))
    assert (handled.phase, handled.remaining, handled.overdue) == (
        "result",
        timedelta(hours=1),
        False,
    )
    assert sla_status("in_progress", onsite, result, local(2, 9), local(2, 15)).overdue
    assert sla_status("resolved", onsite, result, local(2, 9), local(3, 0)).phase == "done"
    assert countdown(timedelta(minutes=65)) == "1:05"
    assert countdown(timedelta(minutes=-20)) == "-0:20"


def test_workflow_rules() -> None:
    assert open311_status("in_progress") == "open" and open311_status("duplicate") == "closed"
    assert allowed_next("received")[0] == "assigned"
    assert list(allowed_next("resolved")) == ["reopened"]


def test_kpis_on_a_hand_computed_case() -> None:
    now = T0 + timedelta(days=1)
    rows = [  # created T0; due 2 h / 6 h later
        KpiRow("U", "moi_truong", "resolved", T0, T0 + timedelta(hours=1), T0 + timedelta(hours=5),
               T0 + timedelta(hours=2), T0 + timedelta(hours=6), 5),
        KpiRow("U", "moi_truong", "resolved", T0, T0 + timedelta(hours=3), T0 + timedelta(hours=9),
               T0 + timedelta(hours=2), T0 + timedelta(hours=6), 3),
        KpiRow("U", "khac", "in_progress", T0, T0 + timedelta(hours=2), None,
               T0 + timedelta(hours=2), T0 + timedelta(hours=6), None),
        KpiRow("U", "khac", "rejected", T0, None, T0 + timedelta(hours=1),
               T0 + timedelta(hours=2), T0 + timedelta(hours=6), None),
    ]  # fmt: skip
    kpis = compute_kpis(rows, now)
    assert (kpis.received, kpis.resolved, kpis.resolved_on_time) == (4, 2, 1)
    assert kpis.on_time_pct == 50.0
    assert kpis.median_first_response_h == 2.0  # 1, 2, 3 h
    assert kpis.median_resolution_h == 7.0  # 5 and 9 h
    assert kpis.overdue_now == 1  # in progress past its 6 h
    assert (kpis.satisfaction, kpis.rated) == (4.0, 2)
    assert kpis.top_categories == (("khac", 2), ("moi_truong", 2))
    assert compute_kpis([], now).on_time_pct is None


def test_layer_points_and_grid_cells() -> None:
    points = [
        ReportPoint(1, 108.44, 11.94, "received", "khac"),
        ReportPoint(2, 108.441, 11.941, "resolved", "khac"),
        ReportPoint(3, 108.441, 11.941, "assigned", "khac", overdue=True),
    ]
    trace = report_trace(points, "vi")
    assert list(trace.customdata) == [1, 2, 3]
    assert list(trace.marker.color) == ["#38bdf8", "#22c55e", "#ff3b30"]
    cells = grid_cells(points, 0.02)
    assert [(c.count, c.open_count) for c in cells] == [(3, 2)]
    assert report_trace(points, "en", max_points=2).meta == "reports-cells"


def test_duplicates_geometry() -> None:
    assert distance_m(108.44, 11.94, 108.44, 11.9404) == pytest.approx(44.5, abs=0.5)
    a = ("khac", 108.44, 11.94, T0)
    assert is_likely_duplicate(a, ("khac", 108.4402, 11.9402, T0 + timedelta(hours=47)))
    assert not is_likely_duplicate(a, ("khac", 108.44, 11.94, T0 + timedelta(hours=49)))
    assert not is_likely_duplicate(a, ("moi_truong", 108.44, 11.94, T0))
    assert not is_likely_duplicate(a, ("khac", 108.4406, 11.94, T0))


def test_media_checks_and_exif() -> None:
    assert gps_lonlat(jpeg_with_gps(108.4419, 11.9404)) == pytest.approx(
        (108.4419, 11.9404), abs=1e-4
    )
    assert gps_lonlat(jpeg()) is None and gps_lonlat(b"%PDF") is None
    assert image_kind(b"%PDF-1.7") is None and image_kind(jpeg()) == "jpeg"
    assert b"Exif" not in reencode(jpeg_with_gps(108.0, 11.0))
    with pytest.raises(MediaError):
        reencode(b"\xff\xd8\xffgarbage")


def test_csv_rows() -> None:
    categories = {c.code: c for c in read_categories()}
    now = datetime(2026, 3, 10, tzinfo=UTC)
    good = {
        "id": "A1",
        "service_code": "khac",
        "created_at": "01/03/2026 08:15",
        "lat": "11.94",
        "long": "108.44",
        "status": "closed",
        "rating": "4",
    }
    parsed = parse_row(2, good, categories, now)
    assert isinstance(parsed, CsvReport) and parsed.status == "resolved"
    assert parsed.created_at == datetime(2026, 3, 1, 1, 15, tzinfo=UTC)
    for change, reason in (
        ({"service_code": "x"}, "unknown service_code"),
        ({"lat": "abc"}, "bad value"),
        ({"lat": "91"}, "out of range"),
        ({"created_at": "2027-01-01T00:00:00+07:00"}, "future"),
        ({"rating": "9"}, "rating"),
        ({"id": ""}, "missing id"),
        ({"resolved_at": "2026-02-01T00:00:00+07:00"}, "before created_at"),
    ):
        rejected = parse_row(3, {**good, **change}, categories, now)
        assert isinstance(rejected, Rejected) and reason in rejected.reason


def test_simulated_reports_are_plausible() -> None:
    rng = random.Random(1)
    now = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 09:00 local
    reports = simulated_reports(rng, now, count=200)
    assert {r.service_code for r in reports} <= set(WEIGHTS)
    assert all(10.5 < r.lat < 12.5 and 107.0 < r.lon < 109.0 for r in reports)
    assert len({r.external_id for r in reports}) == 200
    per_day = sum(reports_this_minute(rng, now + timedelta(minutes=m)) for m in range(1440))
    assert 3 <= per_day <= 30


def test_durations_under_an_hour_read_in_minutes() -> None:
    assert hours_text(0.25, "vi") == "15 phút"
    assert hours_text(0.0, "vi") == "0 phút"
    assert hours_text(1.5, "vi") == "1.5 giờ" and hours_text(2, "en") == "2.0 h"
    assert hours_text(None, "vi") == "chưa có"


def test_sla_clock_reads_in_minutes_under_an_hour() -> None:
    from ioc.pages.reports import sla_text
    from ioc.store.models import CitizenReport

    now = datetime(2026, 3, 10, 6, 0, tzinfo=UTC)
    report = CitizenReport(
        status="received",
        onsite_due_at=now + timedelta(minutes=45),
        result_due_at=now + timedelta(hours=6),
        first_response_at=None,
    )
    assert sla_text(report, now, "vi").endswith("45 phút")
    assert sla_text(report, now + timedelta(minutes=65), "vi").endswith("20 phút")
    report.onsite_due_at = now + timedelta(minutes=125)
    assert sla_text(report, now, "vi").endswith("2 giờ 05 phút")
