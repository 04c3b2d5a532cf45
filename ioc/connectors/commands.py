"""``ioc connectors run|status|dead-letters``: pull REST sources, show their state."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sqlalchemy.exc import OperationalError, ProgrammingError

from ioc.config import Settings
from ioc.connectors import state
from ioc.connectors.runner import PollResult, poll_all, run_loop
from ioc.connectors.service import build_pollers
from ioc.connectors.sinks import UnknownTargetError
from ioc.connectors.sources import SourcesFileError
from ioc.runtime import Orchestrator
from ioc.store import open_store
from ioc.store.cli_support import schema_missing
from ioc.subcommand import add_command


def register(subparsers: Any) -> None:
    connectors = add_command(
        subparsers, "connectors", "Kết nối LGSP / pull connectors for REST sources"
    )
    actions = connectors.add_subparsers(dest="connectors_command", metavar="ACTION", required=True)
    run = add_command(
        actions,
        "run",
        "Lấy dữ liệu từ các nguồn / poll every source of connectors.sources_file from its "
        "stored cursor, every connectors.interval_s (Ctrl-C stops)",
    )
    run.add_argument("--once", action="store_true", help="one poll of every source, then exit")
    run.add_argument("--source", metavar="NAME", help="only this source")
    run.add_argument("--sources", metavar="FILE", help="sources file (default: the setting)")
    run.add_argument("--quiet", action="store_true", help="no progress lines")
    run.set_defaults(handler=connectors_run)
    status = add_command(actions, "status", "Trạng thái / each source's cursor and last error")
    status.set_defaults(handler=connectors_status)
    dead = add_command(
        actions, "dead-letters", "Bản ghi lỗi / records that could not be mapped, with why"
    )
    dead.add_argument("--source", metavar="NAME", help="only this source")
    dead.add_argument("--limit", type=int, default=50, help="newest N (default 50)")
    dead.add_argument("--records", action="store_true", help="print each record's JSON too")
    dead.set_defaults(handler=connectors_dead_letters)


def _progress(result: PollResult) -> None:
    print(
        f"  {result.source}: page {result.pages}: {result.records} record(s), "
        f"{result.stored} stored, {result.duplicates} seen before, "
        f"{result.dead_letters} dead-lettered",
        file=sys.stderr,
        flush=True,
    )


def connectors_run(args: argparse.Namespace, settings: Settings) -> int:
    if args.sources:
        settings.connectors.sources_file = args.sources
    if not settings.connectors.sources_file:
        print(
            "Chưa khai báo nguồn / no sources: set connectors.sources_file "
            "(IOC_CONNECTORS__SOURCES_FILE) or pass --sources",
            file=sys.stderr,
        )
        return 2
    store = open_store(settings.database_url)
    try:
        pollers = build_pollers(store, settings, args.source, None if args.quiet else _progress)
        if args.once:
            results = poll_all(pollers)
            for result in results:
                print(result.line())
            return 1 if any(r.error for r in results) else 0
        orchestrator = Orchestrator()
        orchestrator.add(
            "connectors", lambda stop: run_loop(pollers, stop, settings.connectors.interval_s)
        )
        orchestrator.install_signal_handlers()
        return orchestrator.run()
    except (SourcesFileError, UnknownTargetError) as exc:
        print(f"Lỗi / error: {exc}", file=sys.stderr)
        return 2
    except (OperationalError, ProgrammingError) as exc:
        print(schema_missing(exc), file=sys.stderr)
        return 1
    finally:
        store.dispose()


def connectors_status(_args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(settings.database_url)
    try:
        rows = state.source_rows(store)
    except (OperationalError, ProgrammingError) as exc:
        print(schema_missing(exc), file=sys.stderr)
        return 1
    finally:
        store.dispose()
    if not rows:
        print("Chưa có nguồn nào chạy / no source has run yet")
    for row in rows:
        last_ok = row.last_ok_at.isoformat() if row.last_ok_at else "-"
        print(
            f"{row.name}: cursor {row.cursor or '-'}, stored {row.stored}, dead-lettered "
            f"{row.dead_lettered}, last ok {last_ok}, failures in a row {row.failures}"
            + (f", last error: {row.last_error}" if row.last_error else "")
        )
    return 0


def connectors_dead_letters(args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(settings.database_url)
    try:
        rows = state.dead_letters(store, args.source, args.limit)
    except (OperationalError, ProgrammingError) as exc:
        print(schema_missing(exc), file=sys.stderr)
        return 1
    finally:
        store.dispose()
    if not rows:
        print("Không có bản ghi lỗi / no dead letters")
    for row in rows:
        print(f"{row.received_at.isoformat()} {row.source} {row.record_id}: {row.reason}")
        if args.records:
            print(f"    {row.record}")
    return 0
