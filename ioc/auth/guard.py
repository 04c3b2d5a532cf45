"""Keeping reads and changes inside a principal's scope: SQL clauses and plain checks.

Pages, callbacks and routes build their queries with these clauses, so what a unit-bound
principal never sees is never read; ``None`` as a principal (no sign-in reached the code)
sees nothing at all. Everything the client sends is a wish, checked here against the
principal, never against what the layout offered.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, false, or_

from ioc.auth.principal import Principal, team_key
from ioc.auth.user_roles import Role
from ioc.store.models import Incident

# Unit codes are short (String(16)): digits, letters, '.', '_' and '-'.
UNIT_CODE = re.compile(r"^[0-9A-Za-z_.-]{1,16}$")


def unit_code_or_none(value: object) -> str | None:
    """``value`` when it can be a unit code, else None (forged or garbled input)."""
    if isinstance(value, str) and UNIT_CODE.match(value):
        return value
    return None


MAX_ROW_ID = 2**31 - 1  # integer primary keys: 32 bits on PostgreSQL


def row_id_or_none(value: object) -> int | None:
    """A row id sent by a client (an int or its digits) when it can be one, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        value = int(value)
    if isinstance(value, int) and 0 < value <= MAX_ROW_ID:
        return value
    return None


def sees(principal: Principal | None, code: str | None) -> bool:
    """Whether ``principal`` may see a thing of unit ``code`` (no principal: never)."""
    return principal is not None and principal.sees_unit(code)


def province_wide(principal: Principal | None) -> bool:
    """Whether ``principal`` may open the province-wide pages (overview, KPIs, system...)."""
    return principal is not None and principal.province_wide


def in_scope(column: Any, principal: Principal | None) -> list[ColumnElement[bool]]:
    """WHERE clauses keeping rows whose ``column`` (a unit code) the principal sees."""
    if principal is None:
        return [false()]
    if principal.units is None:
        return []
    return [column.in_(sorted(principal.units))]


def incidents_seen(principal: Principal | None) -> list[ColumnElement[bool]]:
    """WHERE clauses on incidents: the scope, and for field staff also what is assigned to them."""
    unit = in_scope(Incident.unit_code, principal)
    if principal is None or not unit or principal.role is not Role.FIELD:
        return unit
    mine = Incident.assignee == principal.name
    if principal.team:  # or dispatched to its team
        mine = or_(mine, Incident.assignee == team_key(principal.team))
    return [or_(mine, *unit)]


def may_act_on_incident(principal: Principal | None, incident: Incident) -> bool:
    """Acknowledge, resolve, note or add a photo: a changing role in scope, or the field
    staff the incident is assigned to."""
    if principal is None or not principal.may_change:
        return False
    if principal.changes_unit(incident.unit_code):
        return True
    return principal.role is Role.FIELD and principal.assigned(incident.assignee)


def sees_incident(principal: Principal | None, incident: Incident) -> bool:
    """Whether the incident is visible: in scope, or assigned to this field principal."""
    return sees_assigned(principal, incident.unit_code, incident.assignee)


def sees_assigned(principal: Principal | None, code: str | None, assignee: str | None) -> bool:
    """Whether a thing of unit ``code`` assigned to ``assignee`` is visible to ``principal``."""
    if principal is None:
        return False
    if principal.role is Role.FIELD:
        return principal.sees_assignee(assignee, code)
    return principal.sees_unit(code)


def refuses_unit(principal: Principal | None, code: object) -> bool:
    """True when a page of unit ``code`` must be refused: nobody signed in, a code out of the
    principal's scope, or a garbled code for a principal that is not province-wide."""
    return principal is None or not principal.sees_unit(unit_code_or_none(code))
