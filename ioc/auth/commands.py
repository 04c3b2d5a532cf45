"""``ioc users add|list|disable|enable|passwd|team`` and ``ioc kiosk add|list|revoke``.

Passwords are never command-line arguments (they would land in shell history and in the
process list): they are typed twice at a prompt, or read from standard input
(``--password-stdin``) or a file (``--password-file``). Every change is written to the
audit log with the operating-system user who ran the command.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.audit.log import append
from ioc.auth import sessions
from ioc.auth.accounts import AccountError, create_user, set_active, set_password, set_team
from ioc.auth.user_roles import ACCOUNT_ROLES, PROVINCE_ROLES, Role, parse_role
from ioc.config import Settings
from ioc.store import open_store
from ioc.store.migrate import upgrade
from ioc.store.models import AdminUnit, IocUnit
from ioc.store.models_auth import KioskToken, User
from ioc.subcommand import add_command
from ioc.timeutil import format_local, utcnow

ROLE_NAMES = ", ".join(role.value for role in ACCOUNT_ROLES)


def register(subparsers: Any) -> None:
    _register_users(subparsers)
    _register_kiosk(subparsers)


def _password_options(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--password-stdin",
        action="store_true",
        help="đọc mật khẩu từ stdin / read the password from standard input (one line)",
    )
    source.add_argument(
        "--password-file",
        type=Path,
        metavar="FILE",
        help="đọc mật khẩu từ tệp / read the password from the first line of FILE",
    )


def _register_users(subparsers: Any) -> None:
    users = add_command(subparsers, "users", "Tài khoản đăng nhập / dashboard accounts")
    actions = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = add_command(actions, "add", "Tạo tài khoản / create an account")
    add.add_argument("username", help="tên đăng nhập / user name (a-z, 0-9, '.', '_', '-')")
    add.add_argument("--role", required=True, help=f"vai trò / role: {ROLE_NAMES}")
    add.add_argument(
        "--unit", help="mã đơn vị / unit code (operator and field: required; viewer: optional)"
    )
    add.add_argument("--name", default="", help="họ tên hiển thị / display name")
    add.add_argument(
        "--ioc", help="mã IOC / the IOC it works for (its scope is then that IOC's area)"
    )
    _password_options(add)
    add.set_defaults(handler=users_add)
    listing = add_command(actions, "list", "Danh sách tài khoản / list accounts")
    listing.set_defaults(handler=users_list)
    for name, text, active in (
        ("disable", "Khóa tài khoản, đăng xuất mọi phiên / disable, end its sessions", False),
        ("enable", "Mở khóa tài khoản / enable an account", True),
    ):
        action = add_command(actions, name, text)
        action.add_argument("username", help="tên đăng nhập / user name")
        action.set_defaults(handler=_set_active_handler(active))
    passwd = add_command(
        actions, "passwd", "Đặt mật khẩu mới, đăng xuất mọi phiên / new password, end sessions"
    )
    passwd.add_argument("username", help="tên đăng nhập / user name")
    _password_options(passwd)
    passwd.set_defaults(handler=users_passwd)
    team = add_command(
        actions, "team", "Xếp cán bộ hiện trường vào đội / put a field officer in a team"
    )
    team.add_argument("username", help="tên đăng nhập / user name (role field)")
    team.add_argument("team", nargs="?", default="", help="tên đội / team (empty: no team)")
    team.set_defaults(handler=users_team)


def _register_kiosk(subparsers: Any) -> None:
    kiosk = add_command(
        subparsers, "kiosk", "Mã màn hình tường (chỉ xem) / read-only wall-display tokens"
    )
    actions = kiosk.add_subparsers(dest="kiosk_command", metavar="ACTION", required=True)
    add = add_command(
        actions, "add", "Cấp mã cho một màn hình (in ra một lần) / issue a token (shown once)"
    )
    add.add_argument("--unit", help="mã đơn vị / unit code (empty: the whole province)")
    add.add_argument("--label", required=True, help="tên màn hình / display label")
    add.add_argument("--days", type=float, help="hết hạn sau N ngày / expires after N days")
    add.add_argument(
        "--base-url",
        help="địa chỉ bảng điều khiển / dashboard address for the printed URL "
        "(default http://<web.host>:<web.port>)",
    )
    add.set_defaults(handler=kiosk_add)
    listing = add_command(actions, "list", "Danh sách mã / list tokens")
    listing.set_defaults(handler=kiosk_list)
    revoke = add_command(actions, "revoke", "Thu hồi mã / revoke a token and its sessions")
    revoke.add_argument("id", type=int, help="số hiệu mã (ioc kiosk list) / token id")
    revoke.set_defaults(handler=kiosk_revoke)


def operator_name() -> str:
    """Who ran the command, for the audit log."""
    try:
        name = os.getlogin()
    except OSError:
        name = os.environ.get("USER", "") or str(os.getuid())
    return f"cli:{name}"


def read_password(args: argparse.Namespace) -> str:
    """The new password from stdin, a file, or typed twice at a prompt."""
    if args.password_file is not None:
        lines = args.password_file.read_text(encoding="utf-8").splitlines()
        return lines[0] if lines else ""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise AccountError("no terminal to ask for a password: use --password-stdin or a file")
    first = getpass.getpass("Mật khẩu / password: ")
    if first != getpass.getpass("Nhập lại / again: "):
        raise AccountError("the two passwords differ")
    return first


def _in_store(settings: Settings, work: Callable[[Session], int]) -> int:
    store = open_store(settings.database_url)
    try:
        upgrade(store)
        with store.session() as session:
            return work(session)
    except (AccountError, OSError) as exc:
        print(f"Lỗi / error: {exc}", file=sys.stderr)
        return 1
    finally:
        store.dispose()


def users_add(args: argparse.Namespace, settings: Settings) -> int:
    try:
        role = parse_role(args.role)
        password = read_password(args)
    except (ValueError, OSError) as exc:
        print(f"Lỗi / error: {exc}", file=sys.stderr)
        return 2

    def work(session: Session) -> int:
        now = utcnow()
        user = create_user(
            session, args.username, password, role, now, unit_code=args.unit, display_name=args.name
        )
        if args.ioc:
            user.ioc_code = _checked_ioc(session, role, args.ioc)
        append(
            session,
            "account.create",
            actor=operator_name(),
            target=f"user:{user.username}",
            unit_code=user.unit_code,
            client="cli",
            detail={"role": user.role, **({"ioc": user.ioc_code} if user.ioc_code else {})},
            at=now,
        )
        print(f"Đã tạo / created {user.username} ({user.role}{_unit_text(user.unit_code)})")
        return 0

    return _in_store(settings, work)


def _checked_ioc(session: Session, role: Role, code: str) -> str:
    """``code`` when it names a stored IOC and ``role`` is bound to an area."""
    if role in PROVINCE_ROLES:
        raise AccountError(f"role {role.value} is province-wide and takes no IOC")
    if session.get(IocUnit, code) is None:
        raise AccountError(f"unknown IOC {code!r} (see `ioc iocs list`)")
    return code


def _team_text(team: str | None) -> str:
    return f" [đội/team {team}]" if team else ""


def _unit_text(unit: str | None) -> str:
    return f", {unit}" if unit else ""


def users_list(_args: argparse.Namespace, settings: Settings) -> int:
    def work(session: Session) -> int:
        rows = session.scalars(select(User).order_by(User.username)).all()
        if not rows:
            print("Chưa có tài khoản / no accounts yet (ioc users add --help)")
        for user in rows:
            state = "hoạt động/active" if user.active else "đã khóa/disabled"
            last = format_local(user.last_login_at, "%d/%m/%Y %H:%M") or "-"
            print(
                f"{user.username:<24} {user.role:<9} {user.unit_code or '-':<8} {state:<18} "
                f"{last:<17} {user.display_name}{_team_text(user.team)}"
                + (f" [IOC {user.ioc_code}]" if user.ioc_code else "")
            )
        return 0

    return _in_store(settings, work)


def _set_active_handler(active: bool) -> Callable[[argparse.Namespace, Settings], int]:
    def handler(args: argparse.Namespace, settings: Settings) -> int:
        def work(session: Session) -> int:
            user = set_active(session, args.username, active)
            if not active:
                sessions.close_user_sessions(session, user.id)
            append(
                session,
                "account.enable" if active else "account.disable",
                actor=operator_name(),
                target=f"user:{user.username}",
                unit_code=user.unit_code,
                client="cli",
            )
            print(f"{'Đã mở khóa / enabled' if active else 'Đã khóa / disabled'} {user.username}")
            return 0

        return _in_store(settings, work)

    return handler


def users_passwd(args: argparse.Namespace, settings: Settings) -> int:
    try:
        password = read_password(args)
    except (ValueError, OSError) as exc:
        print(f"Lỗi / error: {exc}", file=sys.stderr)
        return 2

    def work(session: Session) -> int:
        user = set_password(session, args.username, password)
        sessions.close_user_sessions(session, user.id)
        append(
            session,
            "account.password",
            actor=operator_name(),
            target=f"user:{user.username}",
            unit_code=user.unit_code,
            client="cli",
        )
        print(f"Đã đổi mật khẩu / password changed: {user.username}")
        return 0

    return _in_store(settings, work)


def users_team(args: argparse.Namespace, settings: Settings) -> int:
    def work(session: Session) -> int:
        user = set_team(session, args.username, args.team)
        append(
            session,
            "account.team",
            actor=operator_name(),
            target=f"user:{user.username}",
            unit_code=user.unit_code,
            client="cli",
            detail={"team": user.team},
        )
        print(f"Đội / team of {user.username}: {user.team or '-'}")
        return 0

    return _in_store(settings, work)


def kiosk_url(settings: Settings, base_url: str | None, token: str) -> str:
    base = (base_url or settings.public_base_url).rstrip("/")
    return f"{base}/kiosk/{token}"


def kiosk_add(args: argparse.Namespace, settings: Settings) -> int:
    if args.days is not None and args.days <= 0:
        print("Lỗi / error: --days must be positive", file=sys.stderr)
        return 2

    def work(session: Session) -> int:
        unit = (args.unit or "").strip() or None
        if (
            unit
            and session.scalar(select(AdminUnit.id).where(AdminUnit.code == unit).limit(1)) is None
        ):
            raise AccountError(f"unknown unit {unit!r} (see `ioc units list`)")
        now = utcnow()
        valid = timedelta(days=args.days) if args.days else None
        token, kiosk = sessions.issue_kiosk_token(session, args.label, unit, now, valid)
        append(
            session,
            "kiosk.issue",
            actor=operator_name(),
            target=f"kiosk:{kiosk.id}",
            unit_code=unit,
            client="cli",
            detail={"label": kiosk.label, "days": args.days},
            at=now,
        )
        print(f"Mã màn hình #{kiosk.id} / kiosk token #{kiosk.id} ({kiosk.label}):")
        print(f"  {kiosk_url(settings, args.base_url, token)}")
        print("Mở địa chỉ này trên màn hình tường; mã chỉ hiện một lần. / Open this URL on the")
        print("wall display; the token is shown only once.")
        return 0

    return _in_store(settings, work)


def kiosk_list(_args: argparse.Namespace, settings: Settings) -> int:
    def work(session: Session) -> int:
        now = utcnow()
        rows = session.scalars(select(KioskToken).order_by(KioskToken.id)).all()
        if not rows:
            print("Chưa có mã màn hình / no kiosk tokens yet (ioc kiosk add --help)")
        for kiosk in rows:
            state = "hiệu lực/live" if sessions.kiosk_live(kiosk, now) else "hết/ended"
            until = format_local(kiosk.expires_at, "%d/%m/%Y") or "-"
            print(
                f"#{kiosk.id:<4} {kiosk.unit_code or '-':<8} {state:<14} {until:<11} {kiosk.label}"
            )
        return 0

    return _in_store(settings, work)


def kiosk_revoke(args: argparse.Namespace, settings: Settings) -> int:
    def work(session: Session) -> int:
        kiosk = sessions.revoke_kiosk(session, args.id, utcnow())
        if kiosk is None:
            raise AccountError(f"no kiosk token #{args.id}")
        append(
            session,
            "kiosk.revoke",
            actor=operator_name(),
            target=f"kiosk:{kiosk.id}",
            unit_code=kiosk.unit_code,
            client="cli",
        )
        print(f"Đã thu hồi / revoked #{kiosk.id} ({kiosk.label})")
        return 0

    return _in_store(settings, work)
