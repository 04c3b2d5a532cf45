"""Sign-in rate limits, counted in the store so every web worker sees the same attempts.

A user name with too many failed sign-ins in the window is blocked (whatever password comes
next, so guessing cannot go on), and so is a client address with too many failures over
all names. Failures before a user name's last successful sign-in do not count against it
(a client's count is not reset by a success: one valid account must not let a client go
on guessing others). A block lifts when the oldest counted failure leaves the window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from ioc.store.models_auth import LoginAttempt

NAME_MAX = 64
CLIENT_MAX = 64
KEEP = timedelta(days=1)


@dataclass(frozen=True)
class Limits:
    window: timedelta = timedelta(minutes=15)
    per_user: int = 5
    per_client: int = 20


def retry_after(session: Session, username: str, client: str, now: datetime, limits: Limits) -> int:
    """Seconds until ``username`` from ``client`` may try again (0: may try now)."""
    by_user = LoginAttempt.username == username[:NAME_MAX]
    by_client = LoginAttempt.client == client[:CLIENT_MAX]
    return max(
        _wait(session, by_user, now, limits.window, limits.per_user, reset_on_success=True),
        _wait(session, by_client, now, limits.window, limits.per_client, reset_on_success=False),
    )


def _wait(
    session: Session,
    who: ColumnElement[bool],
    now: datetime,
    window: timedelta,
    allowed: int,
    *,
    reset_on_success: bool,
) -> int:
    start = now - window
    if reset_on_success:
        last_ok = session.scalar(
            select(func.max(LoginAttempt.at)).where(who, LoginAttempt.ok, LoginAttempt.at >= start)
        )
        start = max(start, last_ok) if last_ok is not None else start
    failures = session.scalars(
        select(LoginAttempt.at)
        .where(who, ~LoginAttempt.ok, LoginAttempt.at >= start)
        .order_by(LoginAttempt.at.desc())
        .limit(allowed)
    ).all()
    if len(failures) < allowed:
        return 0
    return max(1, math.ceil((failures[-1] + window - now).total_seconds()))


def record(session: Session, username: str, client: str, ok: bool, now: datetime) -> None:
    """Keep one attempt; attempts older than a day are dropped on the way."""
    name, address = username[:NAME_MAX], client[:CLIENT_MAX]
    session.add(LoginAttempt(at=now, username=name, client=address, ok=ok))
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - KEEP))
