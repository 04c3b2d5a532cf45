"""``ioc reports import|seed-categories|sla-check``: citizen reports from the command line."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from ioc.config import Settings
from ioc.config.reports import reports_settings
from ioc.reports.categories import CATEGORIES_FILE, read_categories, seed_categories
from ioc.reports.csv_import import ImportSummary, import_csv
from ioc.reports.sla import check_overdue
from ioc.store import open_store
from ioc.subcommand import add_command
from ioc.timeutil import utcnow

MAX_LISTED = 50


def register(subparsers: Any) -> None:
    parser = add_command(subparsers, "reports", "Phản ánh hiện trường / citizen field reports")
    actions = parser.add_subparsers(dest="reports_command", metavar="ACTION", required=True)
    imp = add_command(
        actions, "import", "Nhập lịch sử phản ánh từ CSV / import a report history CSV"
    )
    imp.add_argument("file", metavar="FILE.csv", type=Path, help="CSV file (see docs/open311.md)")
    imp.set_defaults(handler=reports_import)
    seed = add_command(
        actions, "seed-categories", "Nạp danh mục lĩnh vực / load the report categories"
    )
    seed.add_argument("--file", type=Path, default=CATEGORIES_FILE, help="categories CSV")
    seed.set_defaults(handler=reports_seed)
    check = add_command(
        actions, "sla-check", "Đánh dấu quá hạn và chuyển cấp trên / flag overdue, escalate"
    )
    check.set_defaults(handler=reports_sla_check)


class ProgressBar:
    """A one-line progress bar on a text stream (stderr), redrawn at most 10 times a second."""

    def __init__(self, total: int, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.total, self.done, self.stream, self.width = max(total, 1), 0, stream, width
        self._drawn = 0.0

    def __call__(self, rows: int) -> None:
        self.done += rows
        if time.monotonic() - self._drawn > 0.1 or self.done >= self.total:
            self._drawn = time.monotonic()
            share = min(self.done / self.total, 1.0)
            bar = "#" * round(share * self.width)
            self.stream.write(f"\r[{bar:<{self.width}}] {share:4.0%} {self.done}/{self.total}")
            self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return max(sum(1 for _ in handle) - 1, 0)


def print_summary(summary: ImportSummary) -> None:
    print(
        f"Đã nhập / imported {summary.imported}, bỏ qua (đã có) / skipped (known) "
        f"{summary.skipped}, từ chối / rejected {len(summary.rejected)}"
    )
    for rejected in summary.rejected[:MAX_LISTED]:
        print(f"  dòng / line {rejected.line}: {rejected.reason}", file=sys.stderr)
    if len(summary.rejected) > MAX_LISTED:
        print(f"  ... {len(summary.rejected) - MAX_LISTED} more", file=sys.stderr)


def reports_import(args: argparse.Namespace, settings: Settings) -> int:
    path: Path = args.file
    if not path.is_file():
        print(f"Không thấy tệp / file not found: {path}", file=sys.stderr)
        return 1
    store = open_store(settings.database_url)
    bar = ProgressBar(count_lines(path))
    try:
        summary = import_csv(store, path, settings=reports_settings(settings), progress=bar)
    finally:
        bar.close()
        store.dispose()
    print_summary(summary)
    return 0 if summary.imported or summary.skipped or not summary.rejected else 1


def reports_seed(args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(settings.database_url)
    try:
        with store.session() as session:
            count = seed_categories(session, read_categories(args.file))
    finally:
        store.dispose()
    print(f"Đã nạp {count} lĩnh vực / seeded {count} categories")
    return 0


def reports_sla_check(_args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(settings.database_url)
    try:
        with store.session() as session:
            result = check_overdue(session, utcnow())
    finally:
        store.dispose()
    print(
        f"Đang mở / open {result.open_reports}, quá hạn / overdue {result.overdue_now} "
        f"(mới / new {result.newly_overdue}), chuyển cấp trên / escalated {result.escalated}"
    )
    return 0
