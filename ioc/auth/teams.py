"""Whom an incident may be dispatched to: the field officers and teams whose scope holds it.

Field accounts and their teams are data (``ioc users add --role field``, ``ioc users
team``). A choice's ``value`` is what the incident's ``assignee`` becomes: the officer's
user name, or ``team:<name>`` for a team (:func:`ioc.auth.principal.team_key`). The page
offers these choices, and the server accepts only a value among them, so a forged
callback cannot hand an incident to somebody outside its unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.auth.principal import team_key
from ioc.auth.scope import unit_scope
from ioc.auth.user_roles import Role
from ioc.store.models_auth import User
from ioc.store.units import ioc_key


@dataclass(frozen=True)
class Assignee:
    """One choice: the stored ``value`` and how a person reads it."""

    value: str
    label: str
    team: bool = False


def assignees_for(session: Session, unit_code: str | None) -> list[Assignee]:
    """Active field officers whose scope (their IOC's area, else their unit's) holds
    ``unit_code``, and their teams (teams first, then officers, each by name)."""
    if unit_code is None:
        return []
    rows = session.scalars(
        select(User).where(User.role == Role.FIELD.value, User.active.is_(True))
    ).all()
    scopes: dict[str, frozenset[str]] = {}
    officers: list[User] = []
    for user in rows:
        # an officer bound to an IOC works in that IOC's area, else in its unit's scope
        code = ioc_key(user.ioc_code) if user.ioc_code else (user.unit_code or "")
        if code not in scopes:
            scopes[code] = unit_scope(session, code) if code else frozenset()
        if unit_code in scopes[code]:
            officers.append(user)
    teams = sorted({u.team for u in officers if u.team})
    return [Assignee(team_key(name), name, team=True) for name in teams] + [
        Assignee(u.username, u.display_name or u.username)
        for u in sorted(officers, key=lambda u: u.username)
    ]


def is_assignee(session: Session, unit_code: str | None, value: object) -> bool:
    """Whether ``value`` (sent by a client) names a choice for an incident of ``unit_code``."""
    if not isinstance(value, str) or not value:
        return False
    return any(choice.value == value for choice in assignees_for(session, unit_code))
