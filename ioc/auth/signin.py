"""Signing in and out, as the web's routes ask for it: rate limits, sessions and the audit log.

Every function runs inside the caller's transaction and records what happened in the audit
log in that same transaction: sign-ins, failed sign-ins (with the attempted user name, never
the password), blocks by the rate limit, sign-outs, kiosk and single-sign-on sign-ins.
Nothing here knows about Flask; ``client`` is the caller's description of the browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session

from ioc.audit.log import append
from ioc.auth import ratelimit, sessions
from ioc.auth.accounts import authenticate, find_user, normalise_username
from ioc.auth.principal import Principal
from ioc.config.auth import AuthSettings
from ioc.store.models_auth import User


class Result(StrEnum):
    OK = "ok"
    BAD = "bad"  # wrong user name or password (never told which)
    LIMITED = "limited"  # too many failures: try again after ``retry_after`` seconds
    UNKNOWN = "unknown"  # kiosk token or single-sign-on user not known (or not active)


@dataclass(frozen=True)
class SignIn:
    """What a sign-in gave: a new session token and its CSRF token, or why not."""

    result: Result
    token: str = ""
    csrf_token: str = ""
    principal: Principal | None = None
    retry_after: int = 0

    @property
    def ok(self) -> bool:
        return self.result is Result.OK


@dataclass(frozen=True)
class Client:
    """Who is at the other end: its address (rate limits) and a description (audit)."""

    address: str
    description: str = ""

    @property
    def audit(self) -> str:
        return self.description or self.address


def limits_of(settings: AuthSettings) -> ratelimit.Limits:
    return ratelimit.Limits(
        window=timedelta(minutes=settings.login_window_minutes),
        per_user=settings.max_failures_per_user,
        per_client=settings.max_failures_per_client,
    )


def sign_in(
    session: Session,
    username: str,
    password: str,
    client: Client,
    *,
    now: datetime,
    settings: AuthSettings,
) -> SignIn:
    """Check the rate limit, then the password; a new session when both pass."""
    name = normalise_username(username)[: ratelimit.NAME_MAX]
    wait = ratelimit.retry_after(session, name, client.address, now, limits_of(settings))
    if wait:
        append(
            session,
            "auth.rate_limited",
            actor=name or "?",
            client=client.audit,
            detail={"retry_after": wait},
            at=now,
        )
        return SignIn(Result.LIMITED, retry_after=wait)
    user = authenticate(session, name, password, now) if name and password else None
    ratelimit.record(session, name, client.address, user is not None, now)
    if user is None:
        append(
            session,
            "auth.sign_in_failed",
            actor=name or "?",
            client=client.audit,
            detail={"username": username[:120]},
            at=now,
        )
        return SignIn(Result.BAD)
    return _opened(session, user, "auth.sign_in", client, settings, now)


def sign_out(
    session: Session, token: str | None, principal: Principal, client: Client, now: datetime
) -> None:
    """End the session of ``token`` (its cookie is worthless from now on)."""
    sessions.close_session(session, token)
    append(
        session,
        "auth.sign_out",
        actor=principal.name,
        target=_target(principal),
        unit_code=principal.unit_code,
        client=client.audit,
        at=now,
    )


def kiosk_sign_in(
    session: Session, kiosk_token: str, client: Client, now: datetime, settings: AuthSettings
) -> SignIn:
    """A read-only wall-display session from a kiosk token (``ioc kiosk add``)."""
    kiosk = sessions.find_kiosk(session, kiosk_token, now)
    if kiosk is None:
        append(session, "auth.kiosk_refused", actor="?", client=client.audit, at=now)
        return SignIn(Result.UNKNOWN)
    token, row = sessions.open_session(
        session, now, kiosk=kiosk, client=client.audit, lifetimes=settings.lifetimes()
    )
    principal = sessions.kiosk_principal(session, kiosk, row.csrf_token)
    append(
        session,
        "auth.kiosk_sign_in",
        actor=principal.name,
        target=f"kiosk:{kiosk.id}",
        unit_code=kiosk.unit_code,
        client=client.audit,
        at=now,
    )
    return SignIn(Result.OK, token, row.csrf_token, principal)


def header_sign_in(
    session: Session, username: str, client: Client, now: datetime, settings: AuthSettings
) -> SignIn:
    """Single sign-on: a trusted proxy vouches for ``username`` (it must exist, active)."""
    user = find_user(session, username)
    if user is None or not user.active:
        append(
            session,
            "auth.sso_refused",
            actor=normalise_username(username)[:120] or "?",
            client=client.audit,
            at=now,
        )
        return SignIn(Result.UNKNOWN)
    user.last_login_at = now
    return _opened(session, user, "auth.sso_sign_in", client, settings, now)


def _opened(  # noqa: PLR0917 - one sign-in's parts
    session: Session,
    user: User,
    action: str,
    client: Client,
    settings: AuthSettings,
    now: datetime,
) -> SignIn:
    """A new session for ``user``, audited as ``action``."""
    token, row = sessions.open_session(
        session, now, user=user, client=client.audit, lifetimes=settings.lifetimes()
    )
    append(
        session,
        action,
        actor=user.username,
        target=f"user:{user.username}",
        unit_code=user.unit_code,
        client=client.audit,
        detail={"role": user.role},
        at=now,
    )
    principal = sessions.user_principal(session, user, row.csrf_token)
    return SignIn(Result.OK, token, row.csrf_token, principal)


def _target(principal: Principal) -> str:
    if principal.kiosk_id is not None:
        return f"kiosk:{principal.kiosk_id}"
    return f"user:{principal.name}"
