"""The incident lifecycle as data: new → acknowledged → dispatched → resolved / false alarm.

Pure: :func:`transition` says what an action does to a status, or why it cannot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

STATUSES: Final = ("new", "acknowledged", "dispatched", "resolved", "false_alarm")
OPEN_STATUSES: Final = frozenset({"new", "acknowledged", "dispatched"})
CLOSED_STATUSES: Final = frozenset({"resolved", "false_alarm"})

# action -> (statuses it may start from, status it leads to)
ACTIONS: Final[dict[str, tuple[frozenset[str], str]]] = {
    "acknowledge": (frozenset({"new"}), "acknowledged"),
    "dispatch": (frozenset({"new", "acknowledged", "dispatched"}), "dispatched"),
    "resolve": (OPEN_STATUSES, "resolved"),
    "false_alarm": (OPEN_STATUSES, "false_alarm"),
    "reopen": (CLOSED_STATUSES, "acknowledged"),
    "note": (frozenset(STATUSES), ""),  # "" keeps the status
}


@dataclass(frozen=True)
class Step:
    """The outcome of an action on a status: the new status, or an error code."""

    to_status: str | None
    error: str | None = None


def transition(status: str, action: str) -> Step:
    """What ``action`` does to an incident in ``status``."""
    rule = ACTIONS.get(action)
    if rule is None:
        return Step(None, "unknown_action")
    sources, target = rule
    if status not in sources:
        return Step(None, "not_allowed")
    return Step(target or status)


def allowed_actions(status: str) -> list[str]:
    """Actions a field page offers for an incident in ``status`` (notes aside)."""
    return [a for a, (src, _t) in ACTIONS.items() if status in src and a not in {"note"}]
