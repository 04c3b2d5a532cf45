"""Shared aggregates on both backends: they equal the direct queries, pages read them
instead of recomputing, a new reports version is computed once for every process, and
two refreshers never both run."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import Any

import pytest
import shapely
from flask import Flask
from sqlalchemy import select

from ioc import cache
from ioc.aggregates import feeds
from ioc.aggregates import reports as report_aggregates
from ioc.aggregates.kpi import COUNTS, counts_key, metrics_key, metrics_of
from ioc.aggregates.lock import lock_for
from ioc.aggregates.refresher import Refresher, refresh_once
from ioc.aggregates.shared import Computed, put, read_payloads, read_stamps
from ioc.app_context import attach
from ioc.auth.current import set_principal
from ioc.auth.principal import Principal
from ioc.auth.user_roles import Role
from ioc.cli import main
from ioc.config import Settings
from ioc.kpi.areas import load_areas
from ioc.kpi.counts import kpi_counts
from ioc.kpi.dossiers import upsert_dossiers
from ioc.kpi.periods import default_era, is_running, period_at, recent_periods
from ioc.pages import kpi_cache, overview
from ioc.store import Store, open_store
from ioc.store.models import CitizenReport
from ioc.store.models_aggregates import DashboardAggregate
from testkit.helpers import sql_statements
from testkit.overview_support import seed_units_and_cameras
from tests.kpi_helpers import local, seed_units, varied_dossiers

NOW = local(2026, 11, 12, 15)
REFRESH_S = 30.0


def add_reports(store: Store, count: int, start: int = 0) -> None:
    """Reports around Đà Lạt over the last weeks, some open and some past their deadline."""
    statuses = ("received", "resolved", "in_progress", "rejected", "assigned")
    with store.session() as session:
        for i in range(start, start + count):
            lon, lat = 108.40 + (i % 7) * 0.013, 11.90 + (i % 5) * 0.017
            created = NOW - timedelta(days=i % 40, hours=i % 9)
            session.add(
                CitizenReport(
                    service_code="moi-truong",
                    status=statuses[i % 5],
                    lon=lon,
                    lat=lat,
                    geom=shapely.Point(lon, lat),
                    unit_code="24778" if i % 2 else "24781",
                    created_at=created,
                    updated_at=created,
                    result_due_at=created + timedelta(hours=6 + i % 30),
                )
            )


@pytest.fixture
def province(store: Store) -> Store:
    """Units of both eras, cameras, 300 dossiers and 40 reports."""
    seed_units(store)
    with store.session() as session:
        seed_units_and_cameras(session)
        upsert_dossiers(session, varied_dossiers(300), store.is_postgis)
    add_reports(store, 40)
    cache.invalidate_all()
    return store


@pytest.fixture
def few_points(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past 10 shown reports the map bins them into cells (3,000 in production)."""
    monkeypatch.setattr(feeds, "MAX_REPORT_POINTS", 10)


def stored(store: Store, key: str) -> Any:
    with store.session() as session:
        return json.loads(read_payloads(session, [key])[key][1])


@pytest.mark.usefixtures("few_points")
def test_the_refresh_stores_what_the_direct_queries_give(province: Store) -> None:
    result = refresh_once(province, NOW, REFRESH_S)
    periods = recent_periods(NOW, 8)
    assert result.periods == len(periods) == 24
    with province.session() as session:
        areas = load_areas(session, NOW.date())
        for period in periods:
            direct = kpi_counts(session, period, default_era(period), NOW)
            assert stored(province, counts_key(period, default_era(period))) == direct
            scores = stored(province, metrics_key(period, default_era(period)))
            assert scores == json.loads(json.dumps(metrics_of(direct, areas)))
        assert any(stored(province, counts_key(p, default_era(p))) for p in periods)
        open_reports, overdue = feeds.count_open_reports(session, NOW)
        cells = feeds.report_cells(session, feeds._shown_reports(session, NOW, None))
    assert stored(province, report_aggregates.counts_key(None)) == [open_reports, overdue]
    assert open_reports > 0 and overdue > 0
    layer = report_aggregates.LAYER.decode(stored(province, report_aggregates.layer_key(None)))
    assert layer == cells and sum(cell.count for cell in cells) > 10
    again = refresh_once(province, NOW + timedelta(seconds=REFRESH_S), REFRESH_S)
    assert again.periods == sum(is_running(p, NOW) for p in periods) == 3  # closed ones kept


def test_the_overview_reads_the_aggregates_instead_of_counting(province: Store) -> None:
    refresh_once(province, NOW, REFRESH_S)
    with province.session() as session:
        version = feeds.reports_version(session)
        direct = feeds.count_open_reports(session, NOW)
    doctored = Computed((direct[0] + 700, 55), version, NOW + timedelta(minutes=1))
    put(
        province.engine,
        {report_aggregates.counts_key(None): doctored},
        NOW,
        report_aggregates.COUNTS,
    )
    cache.invalidate_all()  # as a web process that has never seen them
    flask_app = Flask("test")
    attach(flask_app, Settings(), province)
    with flask_app.test_request_context(), sql_statements(province) as sent:
        set_principal(Principal("test.admin", Role.ADMIN))  # the overview is province-wide
        result = overview.refresh_at(NOW, None, "vi")
    assert not [s for s in sent if "dossiers" in s]  # no KPI counted
    assert not [s for s in sent if "citizen_reports" in s and "GROUP BY" in s.upper()]
    assert not [s for s in sent if "count(citizen_reports.id)" in s]  # no report counted
    assert str(direct[0] + 700) in json.dumps(result["cards"].to_plotly_json(), default=str)


def test_an_expired_aggregate_is_counted_again_and_shared(province: Store) -> None:
    month = period_at(NOW, "month")
    key = counts_key(month, default_era(month))
    old = NOW - timedelta(minutes=5)
    put(province.engine, {key: Computed({"x": {"received": 1}}, "", old)}, old, COUNTS)
    with province.session() as session:
        counts = kpi_cache.period_counts(session, month, default_era(month), NOW)
        assert counts == kpi_counts(session, month, default_era(month), NOW) != {}
        stamp = read_stamps(session, [key])[key]
    assert stamp.computed_at == NOW and stamp.expires_at > NOW
    assert stored(province, key) == counts


@pytest.mark.usefixtures("few_points")
def test_a_new_reports_version_is_computed_once_for_every_process(province: Store) -> None:
    with province.session() as session:
        first = feeds.reports_version(session)
        layer = feeds.report_layer(session, NOW, None, first)
    cache.invalidate_all()  # another process
    with province.session() as session, sql_statements(province) as sent:
        assert feeds.report_layer(session, NOW, None, first) == layer
    assert not [s for s in sent if "citizen_reports" in s]  # found in the table
    add_reports(province, 3, start=100)
    with province.session() as session, sql_statements(province) as sent:
        second = feeds.reports_version(session)
        fresh = feeds.report_layer(session, NOW, None, second)
    assert second != first and fresh != layer
    assert [s for s in sent if "GROUP BY" in s.upper()]  # binned again, once
    with province.session() as session:
        row = session.get(DashboardAggregate, report_aggregates.layer_key(None))
        assert row is not None and row.version.startswith(second)


def second_store(store: Store) -> Store:
    """Another connection pool on the same database, as another process would have."""
    return open_store(store.engine.url.render_as_string(hide_password=False))


def test_two_refreshers_never_both_run_and_a_standby_takes_over(province: Store) -> None:
    other = second_store(province)
    try:
        first = Refresher(province, 0.2, lock_for(province))
        standby = Refresher(other, 0.2, lock_for(other))
        stop = threading.Event()
        threads = [threading.Thread(target=r.run, args=(stop,)) for r in (first, standby)]
        for thread in threads:
            thread.start()
        threading.Event().wait(1.5)
        stop.set()
        for thread in threads:
            thread.join(10)
        assert sorted(r.runs > 0 for r in (first, standby)) == [False, True]
        holder, waiting = (first, standby) if first.runs else (standby, first)
        assert holder.runs >= 2 and waiting.runs == 0
        assert waiting.tick(NOW)  # the holder gave the lock up when it stopped
        assert not holder.tick(NOW)
        waiting.lock.release()
    finally:
        other.dispose()


def test_ioc_aggregates_once(
    province: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IOC_DATABASE__URL", province.engine.url.render_as_string(False))
    assert main(["aggregates", "--once"]) == 0
    assert "KPI periods" in capsys.readouterr().out
    with province.session() as session:
        keys = set(session.scalars(select(DashboardAggregate.key)))
    assert report_aggregates.counts_key(None) in keys and len(keys) >= 26
    holder = lock_for(province)
    assert holder.acquire()
    try:
        assert main(["aggregates", "--once"]) == 0
        assert "another refresher holds the lock" in capsys.readouterr().out
    finally:
        holder.release()
