"""The signed-in party of a request: who, which role, which units.

Pages, callbacks and routes ask the principal, never the layout, whether something may be
seen or changed. ``units`` is the set of unit codes in scope (the unit, its children, and
for a unit of a closed era the units that replaced it); ``None`` means the whole province.
"""

from __future__ import annotations

from dataclasses import dataclass

from ioc.auth.user_roles import CHANGING_ROLES, Role


@dataclass(frozen=True)
class Principal:
    """A user or kiosk, as resolved from its session for one request."""

    name: str
    role: Role
    unit_code: str | None = None
    units: frozenset[str] | None = None
    user_id: int | None = None
    kiosk_id: int | None = None
    csrf_token: str = ""
    team: str | None = None  # field staff: the team of its unit it belongs to
    ioc_code: str | None = None  # the IOC it works for: ``units`` is then that IOC's area

    @property
    def province_wide(self) -> bool:
        """True when nothing is hidden from this principal by unit."""
        return self.units is None

    @property
    def may_change(self) -> bool:
        """True for roles that may change state (never leaders, viewers or kiosks)."""
        return self.role in CHANGING_ROLES

    def sees_unit(self, code: str | None) -> bool:
        """Whether a thing located in unit ``code`` is visible (unlocated: province only)."""
        if self.units is None:
            return True
        return code is not None and code in self.units

    def changes_unit(self, code: str | None) -> bool:
        """Whether a thing located in unit ``code`` may be changed by this principal."""
        return self.may_change and self.sees_unit(code)

    def sees_assignee(self, assignee: str | None, unit_code: str | None) -> bool:
        """Field staff: what is assigned to them (or their team) or located in their unit."""
        return self.assigned(assignee) or self.sees_unit(unit_code)

    def assigned(self, assignee: str | None) -> bool:
        """Whether an incident's ``assignee`` names this person or this person's team."""
        if assignee is None:
            return False
        return assignee == self.name or (self.team is not None and assignee == team_key(self.team))


TEAM_PREFIX = "team:"


def team_key(team: str) -> str:
    """How a team is written as an incident's assignee (``team:<name>``)."""
    return TEAM_PREFIX + team
