"""KPI store functions on both backends: idempotent upsert, per-period counts, eras."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select

from ioc.kpi.dossiers import DossierIn, upsert_dossiers
from ioc.kpi.periods import Period
from ioc.kpi.queries import dossier_counts
from ioc.kpi.ranking import compute_table
from ioc.store import Store
from ioc.store.models import Dossier
from tests.kpi_helpers import dossier, local, seed_units

OCT = Period.parse("2026-10")
NOW = local(2026, 11, 15)


def test_upsert_is_idempotent_and_later_events_win(store: Store) -> None:
    received = dossier("D1", "24778", local(2026, 10, 1))
    finished = replace(
        received, finished_at=local(2026, 10, 3), event_at=local(2026, 10, 3), rating=5
    )
    with store.session() as session:
        first = upsert_dossiers(session, [received, received], store.is_postgis)
    with store.session() as session:
        later = upsert_dossiers(session, [finished], store.is_postgis)
    with store.session() as session:
        older = upsert_dossiers(session, [received], store.is_postgis)
        row = session.scalar(select(Dossier).where(Dossier.dossier_id == "D1"))
        assert row is not None and row.rating == 5 and row.finished_at == finished.finished_at
        assert session.scalar(select(func.count()).select_from(Dossier)) == 1
    assert (first.inserted, first.updated, first.ignored) == (1, 0, 1)
    assert (later.inserted, later.updated) == (0, 1)
    assert (older.inserted, older.updated, older.ignored) == (0, 0, 1)


def test_batch_keeps_the_latest_event_of_each_dossier(store: Store) -> None:
    early = dossier("D2", "24778", local(2026, 10, 1))
    late = replace(early, finished_at=local(2026, 10, 2), event_at=local(2026, 10, 2))
    with store.session() as session:
        result = upsert_dossiers(session, [late, early], store.is_postgis)
        assert session.scalar(select(Dossier.finished_at)) == late.finished_at
    assert (result.inserted, result.ignored) == (1, 1)


def october_dossiers() -> list[DossierIn]:
    due = local(2026, 10, 10, 17)
    return [
        dossier(
            "A1",
            "24778",
            local(2026, 10, 1),
            channel="online",
            due_at=due,
            finished_at=local(2026, 10, 5),
            rating=5,
            digitised=True,
        ),
        dossier(
            "A2", "24778", local(2026, 10, 2), due_at=due, finished_at=local(2026, 10, 12), rating=2
        ),  # late
        dossier("A3", "24778", local(2026, 10, 3), due_at=due),  # still open past due
        dossier("A4", "24778", local(2026, 10, 20), due_at=local(2026, 11, 30)),  # open, in time
        dossier(
            "B1",
            "24781",
            local(2026, 9, 28),
            procedure_level=2,
            due_at=due,
            finished_at=local(2026, 10, 1),
        ),  # received in September
    ]


def test_counts_per_unit_for_a_month(store: Store) -> None:
    with store.session() as session:
        upsert_dossiers(session, october_dossiers(), store.is_postgis)
        counts = dossier_counts(session, OCT, "post2025", NOW)
    a, b = counts["24778"], counts["24781"]
    assert (a["received"], a["online"], a["digitised"], a["received_on_time"]) == (4, 1, 1, 1)
    assert (a["finished"], a["finished_on_time"], a["rated"], a["satisfied"]) == (2, 1, 2, 1)
    assert (a["due"], a["overdue_open"]) == (3, 1)
    assert (b["received"], b["finished"], b["finished_on_time"], b["received_on_time"]) == (
        0,
        1,
        1,
        0,
    )
    assert b["due"] == 1


def test_open_dossier_due_after_now_is_not_yet_overdue(store: Store) -> None:
    with store.session() as session:
        upsert_dossiers(session, october_dossiers(), store.is_postgis)
        counts = dossier_counts(session, OCT, "post2025", local(2026, 10, 11))
    assert (counts["24778"]["due"], counts["24778"]["overdue_open"]) == (3, 2)


def test_era_follows_the_receipt_date_across_the_reform(store: Store) -> None:
    seed_units(store)
    records = [
        dossier("OLD", "672", local(2025, 6, 30, 23), finished_at=local(2025, 7, 2)),
        dossier("NEW", "24778", local(2025, 7, 1, 0), finished_at=local(2025, 7, 2)),
    ]
    with store.session() as session:
        upsert_dossiers(session, records, store.is_postgis)
        july_new = compute_table(session, Period.parse("2025-07"), "post2025", NOW)
        july_old = compute_table(session, Period.parse("2025-07"), "pre2025", NOW)
        june_old = compute_table(session, Period.parse("2025-06"), None, NOW)
    assert [u.code for u in july_new.units] == ["24778", "24781"]
    assert july_new.unit("24778").counts["received"] == 1  # type: ignore[union-attr]
    assert july_old.unit("672").counts["finished"] == 1  # type: ignore[union-attr]
    assert june_old.era == "pre2025"
    assert june_old.unit("672").name == "Thành phố Đà Lạt"  # type: ignore[union-attr]
    assert june_old.province.counts["received"] == 1
    assert june_old.province.name == "Tỉnh Lâm Đồng"


def test_table_compares_with_the_previous_month(store: Store) -> None:
    seed_units(store)
    sept = [
        dossier(
            f"S{i}",
            "24778",
            local(2026, 9, 1 + i),
            due_at=local(2026, 9, 20),
            finished_at=local(2026, 9, 25),
        )
        for i in range(4)
    ]
    with store.session() as session:
        upsert_dossiers(session, sept + october_dossiers(), store.is_postgis)
        table = compute_table(session, OCT, None, NOW)
    unit = table.unit("24778")
    assert unit is not None and unit.previous is not None and unit.change is not None
    assert unit.previous.indicator("tien_do.dung_han").share == 0.0
    assert unit.rank in (1, 2)


def test_counts_window_ignores_other_months(store: Store) -> None:
    far = dossier("F1", "24778", local(2026, 1, 5), finished_at=local(2026, 1, 5) + timedelta(1))
    with store.session() as session:
        upsert_dossiers(session, [far], store.is_postgis)
        assert dossier_counts(session, OCT, "post2025", NOW) == {}
