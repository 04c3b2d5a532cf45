"""Local accounts: create, find, check a password, enable and disable."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ioc.auth.passwords import hash_password, needs_rehash, verify_password
from ioc.auth.user_roles import Role, check_unit_for_role
from ioc.store.models import AdminUnit
from ioc.store.models_auth import User

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


class AccountError(ValueError):
    """An account cannot be created or changed as asked (the message says why)."""


def normalise_username(name: str) -> str:
    return name.strip().lower()


def create_user(
    session: Session,
    username: str,
    password: str,
    role: Role,
    now: datetime,
    *,
    unit_code: str | None = None,
    display_name: str = "",
) -> User:
    """A new active account; AccountError for a bad name, unit, role or weak password."""
    name = normalise_username(username)
    if not USERNAME.match(name):
        raise AccountError(
            f"bad user name {username!r}: 2-64 of a-z, 0-9, '.', '_', '-', starting with a "
            "letter or digit"
        )
    try:
        check_unit_for_role(role, unit_code)
        password_hash = hash_password(password)
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    if (
        unit_code
        and session.scalar(select(AdminUnit.id).where(AdminUnit.code == unit_code).limit(1)) is None
    ):
        raise AccountError(f"unknown unit {unit_code!r} (see `ioc units list`)")
    if find_user(session, name) is not None:
        raise AccountError(f"user {name!r} already exists")
    user = User(
        username=name,
        display_name=display_name or name,
        password_hash=password_hash,
        role=role.value,
        unit_code=unit_code or None,
        active=True,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(
        select(User).where(func.lower(User.username) == normalise_username(username))
    )


def authenticate(session: Session, username: str, password: str, now: datetime) -> User | None:
    """The active account whose password matches, or None (same cost either way)."""
    user = find_user(session, username)
    stored = user.password_hash if user is not None and user.active else None
    if not verify_password(stored, password) or user is None:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    return user


def set_password(session: Session, username: str, password: str) -> User:
    user = _existing(session, username)
    try:
        user.password_hash = hash_password(password)
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    return user


def set_active(session: Session, username: str, active: bool) -> User:
    user = _existing(session, username)
    user.active = active
    return user


TEAM = re.compile(r"^[^\x00-\x1f:]{1,64}$")


def set_team(session: Session, username: str, team: str | None) -> User:
    """Put a field officer in ``team`` (a name of 1-64 characters, no ':'), or out of any
    team when ``team`` is empty; AccountError for another role or a bad name."""
    user = _existing(session, username)
    if user.role != Role.FIELD.value:
        raise AccountError(f"user {user.username!r} is {user.role}; only field staff join teams")
    name = (team or "").strip()
    if name and not TEAM.match(name):
        raise AccountError(f"bad team name {team!r}: 1-64 characters, no ':'")
    user.team = name or None
    return user


def _existing(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise AccountError(f"no user {normalise_username(username)!r}")
    return user
