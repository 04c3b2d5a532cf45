"""Intake, workflow, SLA check and KPIs over a real store on both backends (frozen clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from ioc.reports.intake import ReportIn, create_reports
from ioc.reports.kpis import KpiRow, compute_kpis, period_kpis
from ioc.reports.routing import TreeLocator
from ioc.reports.sla import check_overdue
from ioc.reports.workflow import TransitionError, change_status, history
from ioc.store import Store
from ioc.store.models import CitizenReport
from tests.reports_support import HANOI, HO_XUAN_HUONG, seed

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 08:00 in Lâm Đồng
LON, LAT = HO_XUAN_HUONG


def report(ext: str, at: datetime = NOW, code: str = "trat_tu_do_thi", dlat: float = 0) -> ReportIn:
    return ReportIn(code, LON, LAT + dlat, "Lấn chiếm vỉa hè", external_id=ext, created_at=at)


def test_intake_is_idempotent_and_routes_by_date(store: Store) -> None:
    seed(store)
    old = NOW.replace(year=2024)
    items = [
        report("m1"),
        report("m1"),
        report("m2", old, dlat=0.01),
        report("bad", code="x"),
        ReportIn("khac", *HANOI, external_id="far"),
    ]
    with store.session() as session:
        first = create_reports(session, store, items, now=NOW)
    assert [r.created for r in first] == [True, False, True, False, False]
    assert first[1].id == first[0].id
    assert first[0].unit_code == "24781" and first[2].unit_code == "672"  # ward vs. old city
    assert first[2].agency == "Phòng Quản lý đô thị Thành phố Đà Lạt"
    assert "unknown service_code" in (first[3].rejected or "")
    assert "outside" in (first[4].rejected or "")
    with store.session() as session:
        again = create_reports(session, TreeLocator.load(session), [report("m1")], now=NOW)
        assert again[0] == type(again[0])(first[0].id, "m1", False)
        assert len(session.scalars(select(CitizenReport)).all()) == 2


def test_duplicate_suggestion_within_50_m_and_48_h(store: Store) -> None:
    seed(store)
    with store.session() as session:
        first = create_reports(session, store, [report("a")], now=NOW)[0]
        near = create_reports(session, store, [report("b", NOW + timedelta(hours=47), dlat=0.0003)])
        later = create_reports(session, store, [report("c", NOW + timedelta(hours=49))])
        far = create_reports(session, store, [report("d", NOW, dlat=0.001)])
    assert near[0].duplicates == (first.id,)
    assert later[0].duplicates == () or first.id not in later[0].duplicates
    assert first.id not in far[0].duplicates


def test_workflow_history_and_first_response(store: Store) -> None:
    seed(store)
    with store.session() as session:
        rid = create_reports(session, store, [report("w")], now=NOW)[0].id
        assert rid is not None
        row = session.get(CitizenReport, rid)
        assert row is not None
        change_status(session, row, "assigned", actor="op", at=NOW + timedelta(minutes=10))
        change_status(session, row, "in_progress", actor="tổ 1", at=NOW + timedelta(hours=1))
        change_status(
            session, row, "resolved", actor="tổ 1", at=NOW + timedelta(hours=4), note="Đã dọn"
        )
        with pytest.raises(TransitionError):
            change_status(session, row, "assigned", actor="op", at=NOW + timedelta(hours=5))
        change_status(session, row, "reopened", actor="citizen", at=NOW + timedelta(hours=6))
        assert row.first_response_at == NOW + timedelta(hours=1) and row.resolved_at is None
        steps = [(h.from_status, h.to_status, h.actor) for h in history(session, rid)]
    assert steps == [
        (None, "received", "mqtt"),
        ("received", "assigned", "op"),
        ("assigned", "in_progress", "tổ 1"),
        ("in_progress", "resolved", "tổ 1"),
        ("resolved", "reopened", "citizen"),
    ]


def test_sla_check_flags_and_escalates_to_the_parent_unit(store: Store) -> None:
    seed(store)
    old = NOW.replace(year=2024)
    with store.session() as session:
        ids = [r.id or 0 for r in create_reports(session, store, [report("s1"), report("s2", old)])]
    with store.session() as session:
        early = check_overdue(session, NOW + timedelta(hours=1))
        assert (early.overdue_now, early.escalated) == (1, 1)  # only the 2024 report
    with store.session() as session:
        late = check_overdue(session, NOW + timedelta(hours=3))
        assert (late.newly_overdue, late.escalated) == (1, 1)  # now the 2026 one too
        assert late.overdue_now == 2
    with store.session() as session:
        rows = {r.id: r for r in session.scalars(select(CitizenReport)).all()}
        assert rows[ids[0]].overdue and rows[ids[0]].escalated_to == "68"
        assert rows[ids[1]].escalated_to == "68"  # district 672 → province, as in 2024
        notes = [h.note for h in history(session, ids[0])]
        assert "escalated to 68" in notes[-1]
        again = check_overdue(session, NOW + timedelta(hours=4))
    assert (again.newly_overdue, again.escalated) == (0, 0)


def test_sql_kpis_match_the_pure_formulas(store: Store) -> None:
    seed(store)
    items = [
        report(f"k{n}", NOW + timedelta(minutes=n), code)
        for n, code in enumerate(("moi_truong", "moi_truong", "khac", "khac", "trat_tu_do_thi"))
    ]
    with store.session() as session:
        ids = [r.id for r in create_reports(session, store, items)]
        steps = {
            0: [("in_progress", 1), ("resolved", 5)],
            1: [("in_progress", 3), ("resolved", 9)],
            2: [("in_progress", 2)],
            3: [("rejected", 1)],
        }
        for index, moves in steps.items():
            row = session.get(CitizenReport, ids[index])
            assert row is not None
            for to, hours in moves:
                change_status(
                    session, row, to, actor="op", at=row.created_at + timedelta(hours=hours)
                )
            row.rating = {0: 5, 1: 3}.get(index)
    later = NOW + timedelta(days=1)
    with store.session() as session:
        sql = period_kpis(session, NOW - timedelta(days=1), later, later)
        rows = [
            KpiRow(
                r.unit_code,
                r.service_code,
                r.status,
                r.created_at,
                r.first_response_at,
                r.resolved_at,
                r.onsite_due_at,
                r.result_due_at,
                r.rating,
            )
            for r in session.scalars(select(CitizenReport))
        ]
    pure = compute_kpis(rows, later)
    assert list(sql) == ["24781"]
    got = sql["24781"]
    assert got == pure
    assert (got.received, got.resolved, got.on_time_pct, got.overdue_now) == (5, 2, 50.0, 2)
    assert got.satisfaction == 4.0 and got.median_resolution_h == 7.0
