"""When to notify whom about an incident nobody has acknowledged (pure, frozen-clock tested).

Level 0 (field staff of the unit) is told when the incident opens. With no acknowledgement
after ``escalation_minutes[severity]`` the next level is told (1: unit leader, 2: province),
then every interval again up to ``max_level``; at the top, reminders follow every
``reminder_minutes`` to every level told so far, until someone acknowledges.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ioc.config.incidents import IncidentSettings


@dataclass(frozen=True)
class Alarm:
    """Notify levels ``0..level`` (``reason`` escalation or reminder); next check at ``next_at``."""

    level: int
    reason: str
    next_at: datetime


def interval(severity: str, settings: IncidentSettings) -> timedelta:
    """How long an incident of this severity may wait for an acknowledgement."""
    minutes = settings.escalation_minutes.get(severity, settings.escalation_minutes.get("medium"))
    return timedelta(minutes=minutes if minutes is not None else 15.0)


def first_deadline(opened_at: datetime, severity: str, settings: IncidentSettings) -> datetime:
    return opened_at + interval(severity, settings)


def next_alarm(level: int, severity: str, due_at: datetime, settings: IncidentSettings) -> Alarm:
    """The alarm that falls due at ``due_at`` for an incident told up to ``level``."""
    if level < settings.max_level:
        new_level = level + 1
        wait = (
            interval(severity, settings)
            if new_level < settings.max_level
            else timedelta(minutes=settings.reminder_minutes)
        )
        return Alarm(new_level, "escalation", due_at + wait)
    return Alarm(level, "reminder", due_at + timedelta(minutes=settings.reminder_minutes))
