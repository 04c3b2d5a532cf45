"""``ioc digital import FILE``: indicator values (CSV/Excel) with their public sources."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.exc import OperationalError, ProgrammingError

from ioc.config import Settings
from ioc.digital.catalogue import CATALOGUE_FILE, CatalogueError, read_catalogue
from ioc.digital.importer import ValueFileError, import_values
from ioc.digital.values import Outcome
from ioc.kpi.commands import progress_bar
from ioc.store import open_store
from ioc.store.cli_support import schema_missing
from ioc.subcommand import add_command

HELP_FILE = (
    "CSV (UTF-8, , or ;) or .xlsx with columns indicator, unit (empty: province-wide), "
    "period (YYYY), value, source_title, source_publisher, source_date (YYYY-MM-DD or "
    "YYYY-MM), source_url (optional), note (optional); a row without a source is refused"
)


def register(subparsers: Any) -> None:
    digital = add_command(
        subparsers, "digital", "Bảng chuyển đổi số / digital-transformation board (/chuyen-doi-so)"
    )
    actions = digital.add_subparsers(dest="digital_command", metavar="ACTION", required=True)
    imp = add_command(
        actions,
        "import",
        "Nhập số liệu chỉ số kèm nguồn / import indicator values, each with its public source",
    )
    imp.add_argument("file", type=Path, help=HELP_FILE)
    imp.add_argument(
        "--catalogue",
        type=Path,
        default=CATALOGUE_FILE,
        help=f"indicator definitions (TOML) stored before the values (default: {CATALOGUE_FILE})",
    )
    imp.set_defaults(handler=digital_import)


def digital_import(args: argparse.Namespace, settings: Settings) -> int:
    try:
        catalogue = read_catalogue(args.catalogue)
    except (OSError, CatalogueError) as exc:
        print(f"Lỗi danh mục / catalogue error: {exc}", file=sys.stderr)
        return 1
    store = open_store(settings.database_url)
    try:
        print(f"Danh mục / catalogue: {len(catalogue)} chỉ số / indicators ({args.catalogue})")
        result = import_values(store, args.file, progress_bar(), catalogue)
    except ValueFileError as exc:
        print(
            "Lỗi: tệp bị từ chối, không lưu giá trị nào / error: file refused, nothing stored:\n  "
            + "\n  ".join(exc.problems),
            file=sys.stderr,
        )
        return 1
    except (OperationalError, ProgrammingError) as exc:
        print(schema_missing(exc), file=sys.stderr)
        return 1
    finally:
        store.dispose()
    done = result.outcomes
    print(
        f"{result.rows} giá trị / values from {result.sources} nguồn / sources: "
        f"{done[Outcome.INSERTED]} mới / new, {done[Outcome.UPDATED]} cập nhật / updated, "
        f"{done[Outcome.UNCHANGED]} không đổi / unchanged"
    )
    if result.ignored_columns:
        print(f"cột bỏ qua / ignored columns: {', '.join(result.ignored_columns)}")
    return 0
