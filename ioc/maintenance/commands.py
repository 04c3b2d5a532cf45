"""``ioc retention run [--dry-run]``: apply the retention settings once, saying what it does."""

from __future__ import annotations

import argparse
from typing import Any

from ioc.config import Settings
from ioc.subcommand import add_command


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "retention",
        "Lưu giữ dữ liệu: phân vùng, dòng cũ, ảnh cũ / retention: partitions, old rows, old files",
    )
    actions = parser.add_subparsers(dest="retention_command", metavar="ACTION", required=True)
    run = add_command(
        actions,
        "run",
        "Tạo phân vùng tới, xoá dữ liệu và ảnh quá hạn / create partitions ahead, drop expired "
        "partitions or rows, delete old snapshot files (settings: retention.*)",
    )
    run.add_argument(
        "--dry-run", action="store_true", help="only say what would be created or deleted"
    )
    run.set_defaults(handler=retention_run)


def retention_run(args: argparse.Namespace, settings: Settings) -> int:
    from ioc.maintenance.job import run_retention
    from ioc.store import open_store
    from ioc.timeutil import utcnow

    store = open_store(settings.database_url)
    try:
        report = run_retention(settings, store, utcnow(), dry_run=args.dry_run)
    finally:
        store.dispose()
    for failure in report.rows.failures:
        print(f"Chưa xong / not done: {failure}")
    return 1 if report.rows.failures else 0
