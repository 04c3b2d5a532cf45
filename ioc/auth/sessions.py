"""Server-side sessions and kiosk tokens: issue, resolve to a principal, revoke.

A session token is 32 random bytes (URL-safe text) sent once in a cookie; the database keeps
its SHA-256 only. Every sign-in makes a new token (no session id chosen before sign-in is
ever honoured, so session fixation has nothing to fix). A session ends at its absolute
lifetime or after an idle period, whichever comes first.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, func, or_, select
from sqlalchemy.orm import Session

from ioc.auth.principal import Principal
from ioc.auth.scope import unit_scope
from ioc.auth.user_roles import Role
from ioc.config.auth import Lifetimes
from ioc.store.models_auth import KioskToken, User, WebSession
from ioc.store.units import ioc_key


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def open_session(
    session: Session,
    now: datetime,
    *,
    user: User | None = None,
    kiosk: KioskToken | None = None,
    client: str = "",
    lifetimes: Lifetimes = Lifetimes(),
) -> tuple[str, WebSession]:
    """A new session for a user or a kiosk: the cookie token and the stored row."""
    if (user is None) == (kiosk is None):
        raise ValueError("a session belongs to exactly one user or kiosk")
    token = new_token()
    life = lifetimes.absolute if user is not None else lifetimes.kiosk_absolute
    row = WebSession(
        token_hash=token_hash(token),
        user_id=user.id if user is not None else None,
        kiosk_id=kiosk.id if kiosk is not None else None,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + life,
        last_seen_at=now,
        client=client[:200],
    )
    session.add(row)
    session.flush()
    return token, row


def resolve(
    session: Session, token: str | None, now: datetime, lifetimes: Lifetimes = Lifetimes()
) -> Principal | None:
    """The principal of a live session, touching its idle clock; None when not live."""
    if not token or len(token) > 128:
        return None
    row = session.get(WebSession, token_hash(token))
    if row is None or row.expires_at <= now:
        return None
    if row.user_id is not None:
        if now - row.last_seen_at > lifetimes.idle:
            return None
        user = session.get(User, row.user_id)
        if user is None or not user.active:
            return None
        principal = user_principal(session, user, row.csrf_token)
    else:
        kiosk = session.get(KioskToken, row.kiosk_id)
        if kiosk is None or not kiosk_live(kiosk, now):
            return None
        principal = kiosk_principal(session, kiosk, row.csrf_token)
    if now - row.last_seen_at > timedelta(minutes=1):  # one write a minute, not per request
        row.last_seen_at = now
    return principal


def bound_scope(
    session: Session, ioc_code: str | None, unit_code: str | None
) -> frozenset[str] | None:
    """What an account or kiosk sees: its IOC's area when it has an IOC (an operator of an
    IOC sees exactly that IOC's area), else its unit's scope; None: the province."""
    if ioc_code:
        return unit_scope(session, ioc_key(ioc_code))
    return unit_scope(session, unit_code) if unit_code else None


def user_principal(session: Session, user: User, csrf_token: str = "") -> Principal:
    return Principal(
        name=user.username,
        role=Role(user.role),
        unit_code=user.unit_code,
        units=bound_scope(session, user.ioc_code, user.unit_code),
        user_id=user.id,
        csrf_token=csrf_token,
        team=user.team,
        ioc_code=user.ioc_code,
    )


def kiosk_principal(session: Session, kiosk: KioskToken, csrf_token: str = "") -> Principal:
    return Principal(
        name=f"kiosk:{kiosk.label}",
        role=Role.KIOSK,
        unit_code=kiosk.unit_code,
        units=bound_scope(session, kiosk.ioc_code, kiosk.unit_code),
        kiosk_id=kiosk.id,
        csrf_token=csrf_token,
        ioc_code=kiosk.ioc_code,
    )


def close_session(session: Session, token: str | None) -> None:
    """Sign out: the session row is deleted, the token is worthless from now on."""
    if token:
        session.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))


def close_user_sessions(session: Session, user_id: int) -> None:
    """Every session of a user (password change, account disabled)."""
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))


def _expired(now: datetime, idle: timedelta | None) -> ColumnElement[bool]:
    """Sessions no request can revive: past their absolute lifetime, or (users' sessions)
    unused for longer than ``idle``."""
    over = WebSession.expires_at <= now
    if idle is None:
        return over
    unused = and_(WebSession.user_id.is_not(None), WebSession.last_seen_at < now - idle)
    return or_(over, unused)


def purge_expired(
    session: Session, now: datetime, idle: timedelta | None = None, dry_run: bool = False
) -> int:
    """Delete sessions that have ended (``dry_run``: only count them); returns how many."""
    if dry_run:
        count = select(func.count()).select_from(WebSession).where(_expired(now, idle))
        return int(session.scalar(count) or 0)
    result = session.execute(delete(WebSession).where(_expired(now, idle)))
    return int(getattr(result, "rowcount", 0) or 0)


def issue_kiosk_token(
    session: Session,
    label: str,
    unit_code: str | None,
    now: datetime,
    valid_for: timedelta | None = None,
) -> tuple[str, KioskToken]:
    """A new kiosk token (shown once) for a wall display of ``unit_code``."""
    token = new_token()
    row = KioskToken(
        label=label[:200],
        unit_code=unit_code or None,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + valid_for if valid_for is not None else None,
    )
    session.add(row)
    session.flush()
    return token, row


def find_kiosk(session: Session, token: str, now: datetime) -> KioskToken | None:
    """The live kiosk token matching ``token``, or None."""
    if not token or len(token) > 128:
        return None
    row = session.scalar(select(KioskToken).where(KioskToken.token_hash == token_hash(token)))
    return row if row is not None and kiosk_live(row, now) else None


def revoke_kiosk(session: Session, kiosk_id: int, now: datetime) -> KioskToken | None:
    """Revoke a kiosk token and end the sessions it opened; None when there is no such id."""
    kiosk = session.get(KioskToken, kiosk_id)
    if kiosk is None:
        return None
    if kiosk.revoked_at is None:
        kiosk.revoked_at = now
    session.execute(delete(WebSession).where(WebSession.kiosk_id == kiosk_id))
    return kiosk


def kiosk_live(kiosk: KioskToken, now: datetime) -> bool:
    if kiosk.revoked_at is not None:
        return False
    return kiosk.expires_at is None or kiosk.expires_at > now
