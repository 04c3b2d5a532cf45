"""A made-up October 2026, every Decision 766 sub-indicator checked against figures
worked out by hand: dossiers, an imported procedure catalogue and citizen reports (PAKN),
on both backends. Ward 24778 has a bit of everything; ward 24781 has two open dossiers and
nothing else, so the empty-denominator rules decide most of its points.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from ioc.kpi.catalogue import (
    COLUMNS,
    FLAGS,
    CatalogueFileError,
    read_catalogue,
    store_catalogue,
)
from ioc.kpi.decision766 import Score
from ioc.kpi.dossiers import DossierIn, upsert_dossiers
from ioc.kpi.periods import Period
from ioc.kpi.ranking import compute_table
from ioc.store import Store
from tests.kpi_helpers import dossier, local, seed_units
from tests.reports_support import add_report

OCT = Period.parse("2026-10")
NOW = local(2026, 11, 15)
HEADER = ",".join((*COLUMNS[:3], "online_level", *FLAGS))
CATALOGUE = f"""{HEADER}
24778,2026-10,P-ON,4,1,1,1,1,1,1,0,1
24778,2026-10,P-OFF,0,1,0,0,1,0,0,0,1
24778,2026-10,P-PART,3,0,0,1,0,0,1,1,0
24778,2026-10,P-IDLE,4,1,1,0,0,0,0,0,1
"""  # one line per procedure; flags in the order of ioc.kpi.catalogue.FLAGS

# Hand-computed points of ward 24778 (share → points; see the module docstring's data).
EXPECTED_24778 = {
    "cong_khai.cong_bo": 6 * 1 / 2,  # P-ON on time, P-OFF late
    "cong_khai.cap_nhat": 4 * 1 / 2,  # P-PART on time, P-ON late
    "cong_khai.day_du": 2 * 3 / 4,
    "cong_khai.dong_bo": 6 * 9 / 10,  # D10 not synchronised
    "tien_do.dung_han": 20 * 6 / 10,  # D1-D6 on time; D7, D8 late; D9, D10 open
    "truc_tuyen.cung_cap": min(2, 2 * (3 / 4) / 0.8),
    "truc_tuyen.phat_sinh": 4 * 1 / 3,  # of P-ON, P-PART, P-IDLE only P-ON got online dossiers
    "truc_tuyen.ho_so": min(6, 6 * (4 / 10) / 0.5),
    "thanh_toan.ho_so": 6 * 2 / 4,
    "thanh_toan.giao_dich": 2 * 1 / 3,  # of P-ON, P-OFF, P-IDLE only P-ON was paid online
    "thanh_toan.cung_cap": 2 * 2 / 3,
    "so_hoa.ket_qua_dien_tu": 6 * 4 / 8,
    "so_hoa.thanh_phan": 4 * 5 / 10,
    "so_hoa.chia_se": 4 * 6 / 8,
    "so_hoa.dan_cu_tthc": 2 * 2 / 4,
    "hai_long.ho_so": min(6, 6 * (3 / 4) / 0.9),  # ratings 5, 4, 3, 5
    "hai_long.pakn_dung_han": 6 * 2 / 4,  # R1, R2 on time; R3 late; R4 open past deadline
    "hai_long.pakn_hai_long": 6 * 2 / 3,  # ratings 5, 3, 4
}
NO_DATA = ("so_hoa.ban_sao", "so_hoa.tai_su_dung", "so_hoa.dan_cu_ho_so")
# Ward 24781: two open in-person dossiers, published, not yet due; no catalogue, no reports.
EXPECTED_24781 = {
    "cong_khai.dong_bo": 6.0,
    "tien_do.dung_han": 0.0,
    "truc_tuyen.ho_so": 0.0,
    "thanh_toan.ho_so": 0.0,  # no dossier with a fee: 0
    "so_hoa.ket_qua_dien_tu": 0.0,
    "so_hoa.thanh_phan": 0.0,
    "so_hoa.chia_se": 0.0,
    "hai_long.ho_so": 0.0,  # nobody rated: 0
    "hai_long.pakn_dung_han": 6.0,
    "hai_long.pakn_hai_long": 6.0,  # no PAKN: full points
}


def october_dossiers() -> list[DossierIn]:
    rows = []
    for n in range(1, 11):
        received = local(2026, 10, n)
        finished = None if n > 8 else received + timedelta(days=2 if n <= 6 else 7)
        rows.append(
            dossier(
                f"D{n}",
                "24778",
                received,
                due_at=received + timedelta(days=5),
                finished_at=finished,
                event_at=finished or received,
                procedure_code="P-ON" if n <= 4 else "P-OFF",
                channel="online" if n <= 4 else "in_person",
                published=n != 10,
                e_result=n <= 4,
                digitised=n <= 5,
                result_digitised=n <= 6,
                fee_required=n <= 4,
                paid_online=n <= 2,
                rating={1: 5, 2: 4, 3: 3, 4: 5}.get(n),
            )
        )
    quiet = [
        dossier(
            f"Q{n}",
            "24781",
            local(2026, 10, 20 + n),
            due_at=local(2026, 11, 30),
            channel="in_person",
        )
        for n in (1, 2)
    ]
    return rows + quiet


def october_reports(store: Store) -> None:
    created = local(2026, 10, 5)
    due = created + timedelta(hours=6)
    on_time, late = created + timedelta(hours=3), created + timedelta(hours=9)
    add_report(
        store, "24778", created, "resolved", result_due_at=due, resolved_at=on_time, rating=5
    )
    add_report(
        store, "24778", created, "resolved", result_due_at=due, resolved_at=on_time, rating=3
    )
    add_report(store, "24778", created, "resolved", result_due_at=due, resolved_at=late, rating=4)
    add_report(store, "24778", created, "in_progress", result_due_at=local(2026, 10, 20))
    add_report(store, "24778", local(2026, 10, 30), "received", result_due_at=local(2026, 11, 30))
    add_report(store, "24778", created, "rejected", resolved_at=on_time)
    add_report(store, "24778", local(2026, 9, 30), "resolved", resolved_at=late, rating=1)


@pytest.fixture
def october(store: Store, tmp_path: Path) -> Store:
    seed_units(store)
    path = tmp_path / "catalogue.csv"
    path.write_text(CATALOGUE, encoding="utf-8")
    with store.session() as session:
        upsert_dossiers(session, october_dossiers(), store.is_postgis)
        store_catalogue(session, read_catalogue(path))
    october_reports(store)
    return store


def points(found: Score, code: str) -> float | None:
    return found.indicator(code).points


def test_every_sub_indicator_of_a_made_up_month(october: Store) -> None:
    with october.session() as session:
        table = compute_table(session, OCT, None, NOW)
    ward = table.unit("24778")
    assert ward is not None
    for code, expected in EXPECTED_24778.items():
        assert points(ward.score, code) == pytest.approx(expected), code
    for code in NO_DATA:
        assert points(ward.score, code) is None and not ward.score.indicator(code).has_data
    assert ward.score.total == pytest.approx(sum(EXPECTED_24778.values()))
    assert ward.score.possible == pytest.approx(94)
    assert ward.score.group("thanh_toan").points == pytest.approx(5.0)


def test_empty_denominators_and_a_missing_catalogue(october: Store) -> None:
    with october.session() as session:
        table = compute_table(session, OCT, None, NOW)
    quiet = table.unit("24781")
    assert quiet is not None
    for code, expected in EXPECTED_24781.items():
        assert points(quiet.score, code) == pytest.approx(expected), code
    catalogue = [
        i for g in quiet.score.groups for i in g.indicators if i.definition.source == "catalogue"
    ]
    assert catalogue and all(i.points is None for i in catalogue)  # no catalogue: no data
    assert quiet.score.total == pytest.approx(18)
    assert quiet.score.possible == pytest.approx(100 - 6 - 24)
    assert [u.code for u in table.units[:2]] == ["24778", "24781"]


def test_a_month_without_records_is_a_gap(october: Store) -> None:
    with october.session() as session:
        august = compute_table(session, Period.parse("2026-08"), None, NOW)
    assert all(u.score.total is None for u in august.units)
    assert august.province.score.total is None


def test_a_bad_catalogue_file_is_refused_whole(october: Store, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "unit_code,period,procedure_code,online_level,fee\n"
        "24778,2026-11,P1,4,1\n24778,2026-13,P2,4,1\n24778,2026-11,P3,9,maybe\n"
        "24778,2026-11,P1,3,0\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogueFileError) as refused:
        read_catalogue(path)
    assert [p.split(":")[0] for p in refused.value.problems] == ["line 3", "line 4", "line 5"]
