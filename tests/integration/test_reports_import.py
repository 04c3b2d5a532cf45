"""``ioc reports import``: a CSV with good and bad lines, on both backends."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ioc.config import Settings
from ioc.reports.commands import reports_import, reports_seed, reports_sla_check
from ioc.store import Store
from ioc.store.models import CitizenReport
from ioc.store.models_reports import ReportStatusChange
from tests.reports_support import seed

CSV = """\
id,service_code,created_at,lat,long,description,address,status,first_response_at,resolved_at,rating
H1,moi_truong,2026-03-01T08:00:00+07:00,11.9404,108.4419,Rác tồn đọng,Chợ Đà Lạt,resolved,2026-03-01T09:00:00+07:00,2026-03-01T12:00:00+07:00,5
H2,khac,2024-05-01 10:00,11.9404,108.4419,Ổ gà,Trần Phú,received,,,
H3,nope,2026-03-01T08:00:00+07:00,11.94,108.44,,,,,,
H4,khac,2026-03-01T08:00:00+07:00,abc,108.44,,,,,,
H1,khac,2026-03-01T08:00:00+07:00,11.94,108.44,,,,,,
H6,khac,2026-03-01T08:00:00+07:00,21.03,105.85,Hà Nội,,,,,
H7,khac,2026-03-01T08:00:00+07:00,11.94,108.44,,,resolved,,2026-02-01T08:00:00+07:00,
H8,an_toan_giao_thong_an_ninh,01/03/2026 08:30,11.5480,107.8070,Xe đỗ sai,QL20 Bảo Lộc,closed,,01/03/2026 11:00,4
"""  # noqa: E501


def test_import_reports_bad_lines_and_is_rerunnable(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(store)
    path = tmp_path / "history.csv"
    path.write_text(CSV, encoding="utf-8")
    settings = Settings(
        var_dir=tmp_path, database={"url": store.engine.url.render_as_string(False)}
    )
    assert reports_import(argparse.Namespace(file=path), settings) == 0
    out = capsys.readouterr()
    assert "imported 3" in out.out and "rejected 5" in out.out
    expected = (
        (4, "unknown service_code"),
        (5, "bad value"),
        (6, "id repeats line 2"),
        (7, "the point is outside"),
        (8, "resolved_at is before created_at"),
    )
    for line, reason in expected:
        assert f"line {line}: {reason}" in out.err
    with store.session() as session:
        rows = {r.external_id: r for r in session.scalars(select(CitizenReport))}
        assert rows["H2"].unit_code == "672" and rows["H1"].unit_code == "24781"
        assert rows["H8"].status == "resolved" and rows["H8"].rating == 4
        assert rows["H1"].first_response_at is not None and rows["H1"].source == "import"
        changes = session.scalar(select(func.count()).select_from(ReportStatusChange))
        assert changes == 5  # received ×3, plus resolved ×2
    assert reports_import(argparse.Namespace(file=path), settings) == 0
    assert "skipped (known) 3" in capsys.readouterr().out
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(CitizenReport)) == 3


def test_seed_and_sla_check_commands(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(
        var_dir=tmp_path, database={"url": store.engine.url.render_as_string(False)}
    )
    from ioc.reports.categories import CATEGORIES_FILE

    assert reports_seed(argparse.Namespace(file=CATEGORIES_FILE), settings) == 0
    assert "seeded 9 categories" in capsys.readouterr().out
    assert reports_sla_check(argparse.Namespace(), settings) == 0
    assert "overdue 0" in capsys.readouterr().out
