"""``ioc notify subscribe|list``: who gets which alerts, stored as data."""

from __future__ import annotations

import argparse
from typing import Any

from ioc.config import Settings
from ioc.notify.registry import CHANNELS
from ioc.subcommand import add_command


def register(subparsers: Any) -> None:
    notify = add_command(subparsers, "notify", "Đăng ký nhận cảnh báo / alert subscriptions")
    sub = notify.add_subparsers(dest="notify_command", metavar="ACTION")
    subscribe = add_command(sub, "subscribe", "Thêm đăng ký / add a subscription")
    subscribe.add_argument("channel", choices=sorted(CHANNELS), help="delivery channel")
    subscribe.add_argument(
        "target", nargs="?", default="", help="URL, e-mail address or unit code of the topic"
    )
    subscribe.add_argument("--unit", default="*", help="unit code (children included); * = all")
    subscribe.add_argument("--category", default="*", help="incident kind (smoke, fire...); *")
    subscribe.add_argument(
        "--min-severity", default="low", choices=["low", "medium", "high", "critical"]
    )
    subscribe.add_argument(
        "--level", type=int, default=0, help="0 field staff, 1 unit leader, 2 province"
    )
    subscribe.add_argument("--name", default="", help="who this is, for people reading the list")
    subscribe.set_defaults(handler=subscribe_command)
    listing = add_command(sub, "list", "Liệt kê đăng ký / list subscriptions")
    listing.set_defaults(handler=list_command)
    notify.set_defaults(handler=lambda a, s: _usage(notify))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def subscribe_command(args: argparse.Namespace, settings: Settings) -> int:
    from ioc.notify.subscriptions import SubscriptionSpec, add_subscription
    from ioc.store import open_store

    spec = SubscriptionSpec(
        channel=args.channel,
        target=args.target,
        unit_code=args.unit,
        category=args.category,
        min_severity=args.min_severity,
        level=args.level,
        name=args.name,
    )
    store = open_store(settings.database_url)
    with store.session() as session:
        row = add_subscription(session, spec)
        print(f"subscription {row.id}: {spec}")
    store.dispose()
    return 0


def list_command(_args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from ioc.store import open_store
    from ioc.store.models_incidents import NotificationSubscription as Sub

    store = open_store(settings.database_url)
    with store.session() as session:
        for row in session.scalars(select(Sub).order_by(Sub.id)):
            print(
                f"{row.id}\t{row.channel}\t{row.target or '-'}\tunit={row.unit_code}\t"
                f"category={row.category}\t>={row.min_severity}\tlevel={row.level}\t{row.name}"
            )
    store.dispose()
    return 0
