"""Which units a wall display rotates through: ``/wall?units=a,b,c`` or ``?rotate_units=children``.

A control room's wall often cycles through its districts or wards: after each full round of
panels it moves on to the next unit of its plan. The plan is made on the server and cut to
what the signed-in principal (or kiosk token) may see, so an address or a forged browser
store cannot widen it; the refresh callback checks each unit again anyway.

In a plan, ``""`` stands for the whole province.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.auth.guard import unit_code_or_none
from ioc.auth.principal import Principal
from ioc.store.models import AdminUnit
from ioc.store.units import successors

MAX_UNITS = 150  # a province has 124 wards; more is a typo or a forged address
PROVINCE = ""


def requested_units(raw: Any) -> list[str]:
    """The unit codes of a ``units=`` value (comma-separated), valid and without repeats."""
    if not isinstance(raw, str):
        return []
    found: list[str] = []
    for part in raw.split(","):
        code = unit_code_or_none(part.strip())
        if code is not None and code not in found:
            found.append(code)
    return found[:MAX_UNITS]


def wants_children(raw: Any) -> bool:
    return isinstance(raw, str) and raw.strip().lower() in {"children", "con", "1", "true"}


def valid_on(unit: AdminUnit, day: date) -> bool:
    return unit.valid_from <= day and (unit.valid_to is None or unit.valid_to >= day)


def children_of(units: Sequence[AdminUnit], code: str | None, day: date) -> list[str]:
    """The units valid on ``day`` directly below ``code`` (the province when None), by name.

    A unit dissolved in the 2025 reform (a former district) has no children valid today:
    its children are then the wards that took its place (centre inside its boundary).
    """
    current = [u for u in units if valid_on(u, day) and u.level != "province"]
    if code is None:
        parents = {u.code for u in units if u.level == "province"}
        below = [u for u in current if u.parent_code is None or u.parent_code in parents]
    else:
        below = [u for u in current if u.parent_code == code]
        if not below:
            heirs = successors(units, code)
            below = [u for u in current if u.code in heirs]
    return [u.code for u in sorted(below, key=lambda u: (u.name, u.code))]


def within_scope(plan: Iterable[str], principal: Principal | None) -> list[str]:
    """The plan without the units ``principal`` may not see (nobody: nothing)."""
    if principal is None:
        return []
    return [
        code
        for code in plan
        if (principal.province_wide if code == PROVINCE else principal.sees_unit(code))
    ]


def rotation_plan(
    session: Session,
    principal: Principal | None,
    unit: str | None,
    request: Any,
    day: date,
) -> list[str]:
    """The units the wall cycles through, starting with ``unit`` (or the province).

    ``request`` is what the address asked for (``{"units": "...", "children": "..."}``).
    Fewer than two units left after the scope cut means: no unit rotation.
    """
    asked = request if isinstance(request, dict) else {}
    start = unit_code_or_none(unit) if unit else None
    children = wants_children(asked.get("children"))
    plan: list[str] = [start or PROVINCE] if start or children else []
    more = requested_units(asked.get("units"))
    if children:
        more += children_of(session.scalars(select(AdminUnit)).all(), start, day)
    for code in more:
        if code not in plan:
            plan.append(code)
    plan = within_scope(plan[:MAX_UNITS], principal)
    return plan if len(plan) >= 2 else []
