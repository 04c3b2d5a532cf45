"""``ioc db upgrade|status``: create or migrate the store's schema."""

from __future__ import annotations

import argparse
from typing import Any

from ioc.config import Settings
from ioc.store import open_store
from ioc.store.migrate import current_revision, upgrade
from ioc.subcommand import add_command


def register(subparsers: Any) -> None:
    parser = add_command(subparsers, "db", "Cơ sở dữ liệu / database schema")
    actions = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = add_command(actions, "upgrade", "Tạo hoặc nâng cấp lược đồ / create or migrate schema")
    up.add_argument("--revision", default="heads", help="target revision (default: heads)")
    up.set_defaults(handler=db_upgrade)
    status = add_command(actions, "status", "Phiên bản lược đồ hiện tại / current revision")
    status.set_defaults(handler=db_status)


def db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(settings.database_url)
    try:
        before = current_revision(store)
        upgrade(store, args.revision)
        print(f"schema: {before or 'empty'} -> {current_revision(store)} ({store.backend.name})")
    finally:
        store.dispose()
    return 0


def db_status(_args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(settings.database_url)
    try:
        print(f"{store.backend.name}: revision {current_revision(store) or 'none'}")
    finally:
        store.dispose()
    return 0
