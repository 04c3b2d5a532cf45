"""``ioc audit verify|tail``: check the audit log's hash chain, show its newest rows."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sqlalchemy import select

from ioc.audit.log import count, verify
from ioc.config import Settings
from ioc.store import open_store
from ioc.store.migrate import upgrade
from ioc.store.models_audit import AuditEntry
from ioc.subcommand import add_command
from ioc.timeutil import format_local


def register(subparsers: Any) -> None:
    parser = add_command(subparsers, "audit", "Nhật ký kiểm toán / audit log")
    actions = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    check = add_command(
        actions,
        "verify",
        "Kiểm tra chuỗi băm của nhật ký / check the hash chain (exit 1 when broken)",
    )
    check.set_defaults(handler=audit_verify)
    tail = add_command(actions, "tail", "Các dòng mới nhất / newest rows")
    tail.add_argument("-n", type=int, default=20, help="how many rows (default 20)")
    tail.set_defaults(handler=audit_tail)


def audit_verify(_args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(settings.database_url)
    try:
        upgrade(store)
        with store.session() as session:
            total = count(session)
            print(f"kiểm tra {total} dòng nhật ký / checking {total} audit rows", file=sys.stderr)
            verdict = verify(
                session,
                progress=lambda n: print(f"  {n}/{total}", file=sys.stderr),
            )
    finally:
        store.dispose()
    if verdict.ok:
        print(f"OK: {verdict.checked} dòng, chuỗi nguyên vẹn; head {verdict.head_hash}")
        return 0
    print(
        f"HỎNG / BROKEN at row {verdict.bad_id}: {verdict.reason} "
        f"(đã kiểm {verdict.checked} dòng hợp lệ trước đó / {verdict.checked} good rows before)"
    )
    return 1


def audit_tail(args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(settings.database_url)
    try:
        upgrade(store)
        with store.session() as session:
            rows = session.scalars(
                select(AuditEntry).order_by(AuditEntry.id.desc()).limit(max(1, args.n))
            ).all()
            for row in reversed(rows):
                print(
                    f"{row.id:>8} {format_local(row.at)} {row.actor:<20} {row.action:<24} "
                    f"{row.target} {row.unit_code or ''} {row.client}"
                )
            if not rows:
                print("Nhật ký trống / the audit log is empty")
    finally:
        store.dispose()
    return 0
