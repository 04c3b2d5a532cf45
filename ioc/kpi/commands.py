"""``ioc dossiers import`` and ``ioc kpi show|weights|catalogue``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.orm import Session

from ioc.config import Settings
from ioc.kpi.areas import load_areas
from ioc.kpi.catalogue import CatalogueFileError, read_catalogue, store_catalogue
from ioc.kpi.importer import ImportFileError, ImportReport, import_dossiers
from ioc.kpi.periods import ERAS, Period, era_day
from ioc.kpi.ranking import AreaKpi, KpiTable, area_kpi, compute_table, unit_names
from ioc.kpi.weights import default_weights
from ioc.store import Store
from ioc.store.cli_support import with_store
from ioc.subcommand import add_command


def register(subparsers: Any) -> None:
    dossiers = add_command(subparsers, "dossiers", "Hồ sơ TTHC / administrative dossiers")
    actions = dossiers.add_subparsers(dest="dossiers_command", metavar="ACTION", required=True)
    imp = add_command(actions, "import", "Nhập tệp CSV/Excel / import a CSV or .xlsx export")
    imp.add_argument("file", type=Path, help="CSV (UTF-8, , or ;) or .xlsx file")
    imp.set_defaults(handler=dossiers_import)
    kpi = add_command(subparsers, "kpi", "Chỉ số 766 / Decision 766 public-service index")
    kpis = kpi.add_subparsers(dest="kpi_command", metavar="ACTION", required=True)
    show = add_command(kpis, "show", "Bảng xếp hạng / print the ranking of a period")
    show.add_argument("--period", required=True, type=Period.parse, help="YYYY-MM, YYYY-Qn, YYYY")
    show.add_argument("--era", choices=ERAS, help="default: by the period (before/after reform)")
    show.add_argument(
        "--unit", help="one unit (its score and rank) or an IOC's area (aggregate, wards ranked)"
    )
    show.set_defaults(handler=kpi_show)
    weights = add_command(kpis, "weights", "Cách tính điểm / the scoring (weights file)")
    weights.add_argument("--json", action="store_true", help="the tree as JSON")
    weights.set_defaults(handler=kpi_weights)
    catalogue = add_command(kpis, "catalogue", "Danh mục TTHC / procedure catalogue")
    cat = catalogue.add_subparsers(dest="catalogue_command", metavar="ACTION", required=True)
    cat_import = add_command(cat, "import", "Nhập CSV/Excel theo đơn vị và kỳ / import a file")
    cat_import.add_argument("file", type=Path, help="CSV or .xlsx (see docs/kpi.md)")
    cat_import.set_defaults(handler=catalogue_import)


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

    return with_store(settings.database_url, work)


def format_table(table: KpiTable) -> str:
    """The ranking as fixed-width text."""
    groups = [g.definition.key for g in table.province.score.groups]
    head = f"{'#':>3}  {'code':<6} {'name':<28}" + "".join(f"{g[:9]:>10}" for g in groups)
    partial = "  chưa hết kỳ / partial: the period is still running" if table.partial else ""
    lines = [f"{table.period} ({table.era}){partial}", head + f"{'total':>8}{'change':>8}"]
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


def format_unit(table: KpiTable, code: str) -> str | None:
    """One unit's total, groups and rank among the period's units (None: no such unit)."""
    unit = table.unit(code)
    if unit is None or unit.score.total is None:
        return None
    groups = "  ".join(f"{g.definition.code} {_num(g.points)}" for g in unit.score.groups)
    rank = f"{unit.rank}/{sum(u.rank is not None for u in table.units)}"
    return (
        f"{table.period} ({table.era}) {unit.code} {unit.name}\n"
        f"total {_num(unit.score.total)}  rank {rank}\n{groups}"
    )


def format_area(table: KpiTable, area: AreaKpi) -> str:
    """An area's aggregate (so labelled) and its own units ranked."""
    groups = "  ".join(f"{g.definition.code} {_num(g.points)}" for g in area.score.groups)
    lines = [
        f"{table.period} ({table.era}) {area.code} {area.name}: tổng hợp địa bàn / area "
        f"aggregate of {len(area.members)} units, not an official unit score",
        f"total {_num(area.score.total)}",
        groups,
    ]
    for rank, unit in area.members:
        lines.append(
            f"{rank or '-':>3}  {unit.code:<6} {unit.name[:40]:<40}{_num(unit.score.total):>8}"
        )
    return "\n".join(lines)


def show_unit(session: Session, table: KpiTable, code: str) -> str | None:
    """The text of ``ioc kpi show --unit``: the unit's own score, else its area's."""
    own = format_unit(table, code)
    if own is not None:
        return own
    members = load_areas(session, era_day(table.era, table.period)).get(code)
    if not members:
        return None
    name = unit_names(session, table.period, "pre2025").get(code, code)
    return format_area(table, area_kpi(table, code, name, members))


def kpi_show(args: argparse.Namespace, settings: Settings) -> int:
    def work(store: Store) -> int:
        with store.session() as session:
            table = compute_table(session, args.period, args.era)
            text = show_unit(session, table, args.unit) if args.unit else format_table(table)
        if text is None:
            print(f"Không có số liệu / no figures for unit {args.unit} in {table.period}")
            return 1
        print(text)
        return 0

    return with_store(settings.database_url, work)


def kpi_weights(args: argparse.Namespace, _settings: Settings) -> int:
    """The groups and sub-indicators with their points and formulas."""
    tree = default_weights().tree()
    if args.json:
        print(json.dumps(tree, ensure_ascii=False, indent=2))
        return 0
    for group in tree["groups"]:
        print(f"{group['code']:<12} {group['points']:>4g}  {group['name']}")
        for item in group["indicators"]:
            print(f"  {item['code']:<26} {item['points']:>4g}  {item['formula']}")
    print(f"{'':<12} {tree['total']:>4g}")
    return 0


def catalogue_import(args: argparse.Namespace, settings: Settings) -> int:
    try:
        rows = read_catalogue(args.file)
    except CatalogueFileError as exc:
        print("Lỗi / error:\n  " + "\n  ".join(exc.problems), file=sys.stderr)
        return 1
    except ImportFileError as exc:
        print(f"Lỗi / error: {exc}", file=sys.stderr)
        return 1

    def work(store: Store) -> int:
        with store.session() as session:
            count = store_catalogue(session, rows)
        print(f"Đã nhập {count} thủ tục / imported {count} procedures from {args.file}")
        return 0

    return with_store(settings.database_url, work)
