"""Dossier imports through the real CLI: good files, bad files, Excel, reports (indicator values
have their own import, `ioc digital import`: tests/integration/test_digital_store.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ioc.cli import build_parser
from ioc.config import Settings
from ioc.kpi.commands import register
from ioc.kpi.importer import ImportFileError, import_dossiers
from ioc.store import Store, open_store
from ioc.store.migrate import upgrade
from ioc.store.models import Dossier
from tests.kpi_helpers import seed_units

HEADER = "dossier_id,procedure_code,unit_code,received_at,due_at,finished_at,channel,rating\n"
GOOD = (
    "X1,1.001612,24778,2026-10-01 08:00,2026-10-05 17:00,2026-10-03 10:00,online,5\n"
    "X2,1.004227,24778,01/10/2026 09:30,15/10/2026,,trực tiếp,\n"
)


@pytest.fixture
def sqlite(tmp_path: Path) -> Store:
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    seed_units(store)
    return store


def write(tmp_path: Path, text: str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_imports_and_reimport_changes_nothing(store: Store, tmp_path: Path) -> None:
    seed_units(store)
    path = write(tmp_path, HEADER + GOOD)
    first = import_dossiers(store, path)
    again = import_dossiers(store, path)
    assert (first.rows, first.result.inserted, first.rejected) == (2, 2, [])
    assert (again.result.inserted, again.result.updated, again.result.ignored) == (0, 0, 2)
    with store.session() as session:
        row = session.scalar(select(Dossier).where(Dossier.dossier_id == "X2"))
        assert row is not None and row.channel == "in_person" and row.published is True


def test_wrong_columns_refuse_the_file(sqlite: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "id,unit,date\n1,24778,2026-10-01\n")
    with pytest.raises(ImportFileError, match="missing column"):
        import_dossiers(sqlite, path)


def test_bad_rows_are_rejected_with_line_numbers(sqlite: Store, tmp_path: Path) -> None:
    bad = (
        "Y1,1.001612,24778,not a date,,,online,\n"
        "Y2,1.001612,24778,2026-10-02,,2026-10-01,online,\n"
        "Y3,1.001612,24778,2026-10-02,,,fax,\n"
        "X1,1.001612,24778,2026-10-02,,,online,9\n"
        "Y4,1.001612,672,2026-10-02,,,online,\n"
        "Y5,1.001612,99999,2026-10-02,,,online,\n"
    )
    report = import_dossiers(sqlite, write(tmp_path, HEADER + GOOD + bad + GOOD))
    reasons = {r.line: r.reason for r in report.rejected}
    assert "received_at" in reasons[4] and "not a date" in reasons[4]
    assert "finished_at is before received_at" in reasons[5]
    assert "unknown channel" in reasons[6]
    assert reasons[7] == "duplicate of line 2"
    assert "not valid on 2026-10-02" in reasons[8]
    assert "unknown unit" in reasons[9]
    assert reasons[10] == "duplicate of line 2" and reasons[11] == "duplicate of line 3"
    assert report.result.inserted == 2


def test_excel_export_imports(sqlite: Store, tmp_path: Path) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook()
    sheet = book.active
    sheet.append(["dossier_id", "procedure_code", "unit_code", "received_at", "paid_online"])
    sheet.append(["E1", "1.001612", "24781", "2026-10-01T08:00:00", "có"])
    sheet.append([None, None, None, None, None])
    book.save(tmp_path / "export.xlsx")
    report = import_dossiers(sqlite, tmp_path / "export.xlsx")
    assert (report.result.inserted, report.rejected) == (1, [])


def test_cli_dossiers_import_and_kpi_show(
    tmp_path: Path, sqlite: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(var_dir=tmp_path)
    parser = build_parser_with_kpi()
    args = parser.parse_args(["dossiers", "import", str(write(tmp_path, HEADER + GOOD))])
    assert args.handler(args, settings) == 0
    out = capsys.readouterr()
    assert "2 mới / new" in out.out and "2/2" in out.err
    args = parser.parse_args(["kpi", "show", "--period", "2026-10"])
    assert args.handler(args, settings) == 0
    shown = capsys.readouterr().out
    assert "2026-10 (post2025)" in shown and "Phường Xuân Hương" in shown
    with sqlite.session() as session:
        assert session.scalar(select(func.count()).select_from(Dossier)) == 2


def build_parser_with_kpi() -> argparse.ArgumentParser:
    """The real parser, plus the KPI commands until ioc.cli lists them."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    if "kpi" not in (sub.choices or {}):
        register(sub)
    return parser
