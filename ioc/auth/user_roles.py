"""The roles of user accounts (not processes) and what each may do, as data.

* ``admin``: everything, across the province, including accounts and ``/system``.
* ``leader`` (province leader): sees everything, changes nothing.
* ``operator`` (unit operator): sees and changes its unit's cameras, reports and incidents
  (the unit and its children); province-wide pages are closed to it.
* ``field`` (field staff): sees and acts on the incidents assigned to it or its unit.
* ``viewer``: read-only, for its unit or (with no unit) the province.
* ``kiosk``: not an account but a wall display's token: read-only ``/wall`` for one unit.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    LEADER = "leader"
    OPERATOR = "operator"
    FIELD = "field"
    VIEWER = "viewer"
    KIOSK = "kiosk"


# Roles an account may have (kiosk is a token, never an account).
ACCOUNT_ROLES: tuple[Role, ...] = (
    Role.ADMIN,
    Role.LEADER,
    Role.OPERATOR,
    Role.FIELD,
    Role.VIEWER,
)

# Roles that may change state (acknowledge, resolve, change a report's status...).
CHANGING_ROLES: frozenset[Role] = frozenset({Role.ADMIN, Role.OPERATOR, Role.FIELD})

# Roles whose account must name a unit; the others may (viewer) or must not.
UNIT_ROLES: frozenset[Role] = frozenset({Role.OPERATOR, Role.FIELD})
PROVINCE_ROLES: frozenset[Role] = frozenset({Role.ADMIN, Role.LEADER})


def parse_role(text: str) -> Role:
    """The role named ``text``; a clear error listing the roles otherwise."""
    wanted = text.strip().lower()
    for role in ACCOUNT_ROLES:
        if role.value == wanted:
            return role
    names = ", ".join(role.value for role in ACCOUNT_ROLES)
    raise ValueError(f"unknown role {text!r}; roles: {names}")


def check_unit_for_role(role: Role, unit_code: str | None) -> None:
    """Raise ValueError when ``unit_code`` does not fit ``role``."""
    if role in UNIT_ROLES and not unit_code:
        raise ValueError(f"role {role.value} needs a unit (--unit CODE)")
    if role in PROVINCE_ROLES and unit_code:
        raise ValueError(f"role {role.value} is province-wide and takes no unit")
