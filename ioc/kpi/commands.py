"""``ioc dossiers import``, ``ioc indicators import`` and ``ioc kpi show``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.exc import OperationalError, ProgrammingError

from ioc.config import Settings
from ioc.kpi.importer import ImportFileError, ImportReport, import_dossiers
from ioc.kpi.indicators import IndicatorFileError, read_indicator_csv, store_indicators
from ioc.kpi.periods import ERAS, Period
from ioc.kpi.ranking import KpiTable, compute_table
from ioc.store import Store, open_store
from ioc.subcommand import add_command

NO_SCHEMA = "Chưa có bảng dữ liệu / the tables do not exist: run `ioc db upgrade` first ({})"


def register(subparsers: Any) -> None:
    dossiers = add_command(subparsers, "dossiers", "Hồ sơ TTHC / administrative dossiers")
    actions = dossiers.add_subparsers(dest="dossiers_command", metavar="ACTION", required=True)
    imp = add_command(actions, "import", "Nhập tệp CSV/Excel / import a CSV or .xlsx export")
    imp.add_argument("file", type=Path, help="CSV (UTF-8, , or ;) or .xlsx file")
    imp.set_defaults(handler=dossiers_import)
    indicators = add_command(subparsers, "indicators", "Chỉ số chuyển đổi số / indicator series")
    ind = indicators.add_subparsers(dest="indicators_command", metavar="ACTION", required=True)
    load = add_command(ind, "import", "Nhập CSV (indicator,unit,period,value[,note])")
    load.add_argument("file", type=Path, help="CSV file")
    load.set_defaults(handler=indicators_import)
    kpi = add_command(subparsers, "kpi", "Chỉ số 766 / Decision 766 public-service index")
    kpis = kpi.add_subparsers(dest="kpi_command", metavar="ACTION", required=True)
    show = add_command(kpis, "show", "Bảng xếp hạng / print the ranking of a period")
    show.add_argument("--period", required=True, type=Period.parse, help="YYYY-MM, YYYY-Qn, YYYY")
    show.add_argument("--era", choices=ERAS, help="default: by the period (before/after reform)")
    show.set_defaults(handler=kpi_show)


def _with_store(settings: Settings, work: Callable[[Store], int]) -> int:
    store = open_store(settings.database_url)
    try:
        return work(store)
    except (OperationalError, ProgrammingError) as exc:
        print(NO_SCHEMA.format(str(exc.orig).splitlines()[0]), file=sys.stderr)
        return 1
    finally:
        store.dispose()


def progress_bar(stream: TextIO | None = None, width: int = 30) -> Callable[[int, int], None]:
    """A text progress bar redrawn on one line of ``stream`` (default: standard error)."""

    def draw(done: int, total: int) -> None:
        out = stream or sys.stderr
        filled = width * done // max(total, 1)
        out.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            out.write("\n")
        out.flush()

    return draw


def print_report(report: ImportReport, out: TextIO | None = None) -> None:
    """Counts, then each rejected row with its line and reason."""
    out = out or sys.stdout
    result = report.result
    print(
        f"{report.rows} dòng / rows: {result.inserted} mới / new, {result.updated} cập nhật / "
        f"updated, {result.ignored} không đổi / unchanged, {len(report.rejected)} bị loại / "
        "rejected",
        file=out,
    )
    if report.ignored_columns:
        print(f"cột bỏ qua / ignored columns: {', '.join(report.ignored_columns)}", file=out)
    for rejected in report.rejected:
        print(f"  dòng / line {rejected.line} [{rejected.dossier_id}]: {rejected.reason}", file=out)


def dossiers_import(args: argparse.Namespace, settings: Settings) -> int:
    def work(store: Store) -> int:
        try:
            report = import_dossiers(store, args.file, progress_bar())
        except ImportFileError as exc:
            print(f"Lỗi / error: {exc}", file=sys.stderr)
            return 1
        print_report(report)
        return 0 if not report.rejected else 3

    return _with_store(settings, work)


def indicators_import(args: argparse.Namespace, settings: Settings) -> int:
    try:
        rows = read_indicator_csv(args.file)
    except (IndicatorFileError, OSError) as exc:
        problems = exc.problems if isinstance(exc, IndicatorFileError) else [str(exc)]
        print("Lỗi / error:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1

    def work(store: Store) -> int:
        with store.session() as session:
            count = store_indicators(session, rows)
        print(f"Đã nhập {count} giá trị / imported {count} values from {args.file}")
        return 0

    return _with_store(settings, work)


def format_table(table: KpiTable) -> str:
    """The ranking as fixed-width text."""
    groups = [g.definition.key for g in table.province.score.groups]
    head = f"{'#':>3}  {'code':<6} {'name':<28}" + "".join(f"{g[:9]:>10}" for g in groups)
    lines = [f"{table.period} ({table.era})", head + f"{'total':>8}{'change':>8}"]
    for unit in (*table.units, table.province):
        cells = "".join(f"{_num(unit.score.group(g).points):>10}" for g in groups)
        rank = str(unit.rank or "-") if unit is not table.province else "="
        lines.append(
            f"{rank:>3}  {unit.code:<6} {unit.name[:28]:<28}{cells}"
            f"{_num(unit.score.total):>8}{_num(unit.change):>8}"
        )
    return "\n".join(lines)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def kpi_show(args: argparse.Namespace, settings: Settings) -> int:
    def work(store: Store) -> int:
        with store.session() as session:
            table = compute_table(session, args.period, args.era)
        print(format_table(table))
        return 0

    return _with_store(settings, work)
