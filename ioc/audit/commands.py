"""``ioc audit verify|tail``: check the audit log's hash chain, show its newest rows."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sqlalchemy import select

from ioc.audit.anchor import Anchor, read_anchor, write_checkpoint
from ioc.audit.log import count, verify
from ioc.config import Settings
from ioc.store import open_store
from ioc.store.migrate import upgrade
from ioc.store.models_audit import AuditEntry
from ioc.subcommand import add_command
from ioc.timeutil import format_local, utcnow


def register(subparsers: Any) -> None:
    parser = add_command(subparsers, "audit", "Nhật ký kiểm toán / audit log")
    actions = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    check = add_command(
        actions,
        "verify",
        "Kiểm tra chuỗi băm của nhật ký / check the hash chain (exit 1 when broken)",
    )
    check.set_defaults(handler=audit_verify)
    point = add_command(
        actions,
        "checkpoint",
        "Ghi một điểm neo có ký của chuỗi / write one signed checkpoint of the chain "
        "(audit.anchor_key; the maintenance role does it every audit.checkpoint_minutes)",
    )
    point.set_defaults(handler=audit_checkpoint)
    tail = add_command(actions, "tail", "Các dòng mới nhất / newest rows")
    tail.add_argument("-n", type=int, default=20, help="how many rows (default 20)")
    tail.set_defaults(handler=audit_tail)


def load_anchor(settings: Settings) -> Anchor | None:
    """The signed checkpoints to verify against; None when no key is configured."""
    key = settings.audit.key_or_demo(settings.var_dir)
    if key is None:
        print(
            "CẢNH BÁO / WARNING: no audit.anchor_key: truncation of the newest rows and "
            "rollback cannot be detected",
            file=sys.stderr,
        )
        return None
    path = settings.audit.anchor_path(settings.var_dir)
    anchor = read_anchor(path, key)
    print(f"điểm neo / checkpoints: {len(anchor.checkpoints)} in {path}", file=sys.stderr)
    return anchor


def audit_verify(_args: argparse.Namespace, settings: Settings) -> int:
    anchor = load_anchor(settings)
    store = open_store(settings.database_url)
    try:
        upgrade(store)
        with store.session() as session:
            total = count(session)
            print(f"kiểm tra {total} dòng nhật ký / checking {total} audit rows", file=sys.stderr)
            verdict = verify(
                session,
                progress=lambda n: print(f"  {n}/{total}", file=sys.stderr),
                anchors=anchor.hashes() if anchor is not None else None,
            )
    finally:
        store.dispose()
    if anchor is not None and anchor.problems:
        print(f"HỎNG / BROKEN anchor: {'; '.join(anchor.problems)}")
        return 1
    if verdict.ok:
        print(f"OK: {verdict.checked} dòng, chuỗi nguyên vẹn; head {verdict.head_hash}")
        return 0
    print(
        f"HỎNG / BROKEN at row {verdict.bad_id}: {verdict.reason} "
        f"(đã kiểm {verdict.checked} dòng hợp lệ trước đó / {verdict.checked} good rows before)"
    )
    return 1


def audit_checkpoint(_args: argparse.Namespace, settings: Settings) -> int:
    key = settings.audit.key_or_demo(settings.var_dir)
    if key is None:
        print("Chưa có khoá / no audit.anchor_key (or audit.anchor_key_file) configured")
        return 1
    path = settings.audit.anchor_path(settings.var_dir)
    store = open_store(settings.database_url)
    try:
        with store.session() as session:
            point = write_checkpoint(session, path, key, utcnow())
    finally:
        store.dispose()
    print(f"{path}: " + (f"row {point.row_id} {point.hash}" if point else "up to date"))
    return 0


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
