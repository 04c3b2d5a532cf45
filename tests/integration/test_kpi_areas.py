"""Every IOC's area gets its figures, and the pages, the leader view and the CLI agree.

Over the real default geography (both eras; Đà Lạt's IOC is attached to the former city
672): the unit page and wall of 672 show the index aggregated from its wards' records,
labelled as the area's, next to its wards ranked; a ward's wall shows its own score and
rank; ``/leader``, ``/kpi`` (compute_table) and ``ioc kpi show`` give the same figures.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from ioc import cache
from ioc.app_context import attach
from ioc.cli import main
from ioc.config import Settings
from ioc.geography.defaults import seed_default_units
from ioc.kpi.areas import load_areas
from ioc.kpi.decision766 import score
from ioc.kpi.dossiers import upsert_dossiers
from ioc.kpi.periods import Period
from ioc.kpi.ranking import compute_table, trend
from ioc.kpi.ratio import add_counts
from ioc.pages import ioc_page, leader, unit, wall
from ioc.pages.kpi_views import cards, trend_figure
from ioc.store import Store
from ioc.web.app import create_app
from testkit.auth_support import signed_in_client
from tests.kpi_helpers import dossier, local
from tests.scope_support import ADMIN, DA_LAT, NOW, XUAN_HUONG, acting_as

MARCH = Period.parse("2026-03")


@pytest.fixture
def dalat_store(sqlite_store: Store) -> tuple[Store, tuple[str, ...]]:
    """Two of Đà Lạt's wards with March dossiers: Xuân Hương good, the other poor."""
    seed_default_units(sqlite_store)
    with sqlite_store.session() as session:
        members = load_areas(session, local(2026, 3, 10).date())[DA_LAT]
    other = next(code for code in members if code != XUAN_HUONG)
    rows = []
    for n in range(1, 5):
        received = local(2026, 3, n)
        rows.append(
            dossier(
                f"X{n}",
                XUAN_HUONG,
                received,
                due_at=received + timedelta(days=3),
                finished_at=received + timedelta(days=1),
                channel="online",
                published=True,
                e_result=True,
                digitised=True,
                rating=5,
            )
        )
        rows.append(
            dossier(f"O{n}", other, received, due_at=received + timedelta(days=3), published=n > 2)
        )
    with sqlite_store.session() as session:
        upsert_dossiers(session, rows, False)
    cache.invalidate_all()
    return sqlite_store, (XUAN_HUONG, other)


@pytest.fixture
def dalat(
    dalat_store: tuple[Store, tuple[str, ...]],
) -> Iterator[tuple[Store, tuple[str, ...]]]:
    """The same, inside a request of a signed-in administrator (the pages' callbacks)."""
    app = Flask("test")
    attach(app, Settings(), dalat_store[0])
    with acting_as(app, ADMIN):
        yield dalat_store


def test_the_former_city_has_an_area_of_current_wards(dalat: tuple[Store, tuple[str, ...]]) -> None:
    store, _wards = dalat
    with store.session() as session:
        areas = load_areas(session, local(2026, 3, 10).date())
    assert XUAN_HUONG in areas[DA_LAT] and len(areas[DA_LAT]) >= 3
    assert all(len(code) == 5 for code in areas[DA_LAT])  # wards and communes, no districts


def test_unit_page_of_672_shows_the_area_index_and_its_wards(
    dalat: tuple[Store, tuple[str, ...]],
) -> None:
    store, (good, poor) = dalat
    with store.session() as session:
        table = compute_table(session, MARCH, None, NOW)
    units = [table.unit(good), table.unit(poor)]
    expected = score(add_counts([u.counts for u in units if u is not None]))
    result = unit.refresh_at(NOW, None, DA_LAT, "vi")
    cards, kpis = str(result["cards"]), str(result["kpis"])
    assert "Chỉ số 766 (tổng hợp địa bàn)" in cards
    assert f"{expected.total:.1f}" in cards
    assert "không phải điểm chính thức" in kpis and "Xếp hạng phường, xã của địa bàn" in kpis
    assert kpis.index(good) < kpis.index(poor)  # the better ward first


def test_da_lat_s_ioc_page_shows_the_same_area_index_as_the_unit_page(
    dalat: tuple[Store, tuple[str, ...]],
) -> None:
    _store, (good, poor) = dalat
    of_unit = unit.refresh_at(NOW, None, DA_LAT, "vi")
    of_ioc = ioc_page.refresh_at(NOW, None, "IOC-672", "vi")
    assert str(of_ioc["cards"]) == str(of_unit["cards"])  # the same area aggregate, same counts
    kpis = str(of_ioc["kpis"])
    assert "Xếp hạng phường, xã của địa bàn" in kpis and kpis.index(good) < kpis.index(poor)


def test_wall_of_672_ranks_its_wards_and_a_ward_wall_shows_its_rank(
    dalat: tuple[Store, tuple[str, ...]],
) -> None:
    _store, (good, poor) = dalat
    area = wall.refresh_at(NOW, None, None, DA_LAT, "vi")
    assert area["ranking_title"] == "Xếp hạng phường, xã của địa bàn"
    board = str(area["ranking"])
    assert good in board and poor in board and board.index(good) < board.index(poor)
    ward = wall.refresh_at(NOW, None, None, poor, "vi")
    assert ward["ranking_title"].endswith("Xếp hạng 2/2 đơn vị toàn tỉnh")
    assert poor in str(ward["ranking"]) and good not in str(ward["ranking"])


def test_leader_kpi_page_and_cli_agree(
    dalat: tuple[Store, tuple[str, ...]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    store, (good, poor) = dalat
    with store.session() as session:
        table = compute_table(session, MARCH, None, NOW)
        label, rows = leader.current_rows(session, NOW, "month", "total")
    assert label == str(MARCH)
    board = {row.code: row.values for row in rows}
    for code in (good, poor):
        mine = table.unit(code)
        assert mine is not None and mine.score.total is not None
        assert board[code]["total"] == pytest.approx(mine.score.total)
        for group in mine.score.groups:
            assert board[code][group.definition.code] == pytest.approx(group.points)
        monkeypatch.setenv("IOC_DATABASE__URL", store.engine.url.render_as_string(False))
        assert main(["kpi", "show", "--period", str(MARCH), "--unit", code]) == 0
        assert f"total {mine.score.total:.1f}  rank {mine.rank}/2" in capsys.readouterr().out
    assert main(["kpi", "show", "--period", str(MARCH), "--unit", DA_LAT]) == 0
    out = capsys.readouterr().out
    assert "area aggregate" in out and out.index(good) < out.index(poor)


def test_running_month_is_partial_and_months_without_records_are_gaps(
    dalat: tuple[Store, tuple[str, ...]],
) -> None:
    store, (good, _poor) = dalat
    with store.session() as session:
        march = compute_table(session, MARCH, None, NOW)
        february = compute_table(session, MARCH.previous(), None, NOW)
        points = trend(session, MARCH, 3, good, "post2025")
    assert march.partial and not february.partial
    assert [value is None for _, value in points] == [True, True, False]
    figure = trend_figure([("x", points)], "vi", NOW).to_plotly_json()
    assert list(figure["data"][0]["x"]) == ["2026-01", "2026-02", "2026-03 (chưa hết kỳ)"]
    assert list(figure["data"][0]["y"])[:2] == [None, None]  # gaps, not zeros
    assert "Tổng điểm (chưa hết kỳ)" in str(cards(march, "vi"))


def test_the_area_has_its_monthly_report(
    dalat_store: tuple[Store, tuple[str, ...]], tmp_path: Path
) -> None:
    store, _wards = dalat_store
    client = signed_in_client(create_app(Settings(var_dir=tmp_path), store).server)
    csv = client.get(f"/kpi/report/{DA_LAT}/{MARCH}?format=csv").get_data().decode("utf-8-sig")
    assert csv.startswith("Thành phố Đà Lạt (tổng hợp địa bàn),2026-03")
    pdf = client.get(f"/kpi/report/{DA_LAT}/{MARCH}?format=pdf")
    assert pdf.status_code == 200 and pdf.get_data().startswith(b"%PDF-")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed to read the PDF back")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.get_data(), capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert "Thành phố Đà Lạt (tổng hợp địa bàn)" in text and "không phải điểm" in text
    assert client.get(f"/kpi/report/99999/{MARCH}").status_code in (403, 404)
