"""SLA clocks: pure functions over a working-hours calendar, tested with a frozen clock.

Đà Lạt's rule is that staff are on site within 2 hours and report a result within 6 hours
(per category in ``data/report_categories.csv``). A deadline is counted on a
:class:`WorkCalendar`: round the clock (``24/7``) or local office hours such as
07:00–17:00 Monday to Friday, where the clock stops at night and at weekends.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from ioc.timeutil import LOCAL_TZ

CLOSED_STATUSES = frozenset({"resolved", "rejected", "duplicate"})


@dataclass(frozen=True)
class WorkCalendar:
    """When the SLA clock runs: always (``start is None``) or local hours on some weekdays."""

    start: time | None = None
    end: time | None = None
    days: frozenset[int] = frozenset(range(7))

    @property
    def always(self) -> bool:
        return self.start is None or self.end is None


ALWAYS = WorkCalendar()


def calendar_from(hours: str, days: Iterable[int]) -> WorkCalendar:
    """``"24/7"`` or ``"HH:MM-HH:MM"`` (local time) on ``days`` (0 = Monday) as a calendar."""
    if hours.strip() == "24/7":
        return ALWAYS
    try:
        first, last = (time.fromisoformat(part.strip()) for part in hours.split("-"))
    except ValueError as exc:
        raise ValueError(f"working hours must be '24/7' or 'HH:MM-HH:MM', got {hours!r}") from exc
    chosen = frozenset(days)
    if first >= last or not chosen or not chosen <= set(range(7)):
        raise ValueError(f"empty working calendar: {hours!r} on days {sorted(chosen)}")
    return WorkCalendar(first, last, chosen)


def _window(day: datetime, calendar: WorkCalendar) -> tuple[datetime, datetime] | None:
    """The working window (local) of the day of ``day``, or None on a day off."""
    if day.weekday() not in calendar.days:
        return None
    assert calendar.start is not None and calendar.end is not None
    opens = datetime.combine(day.date(), calendar.start, LOCAL_TZ)
    return opens, datetime.combine(day.date(), calendar.end, LOCAL_TZ)


def add_working_time(start: datetime, hours: float, calendar: WorkCalendar) -> datetime:
    """The moment ``hours`` of working time after ``start`` (aware datetimes in and out)."""
    if calendar.always:
        return start + timedelta(hours=hours)
    left = timedelta(hours=hours)
    cursor = start.astimezone(LOCAL_TZ)
    for _ in range(3660):  # at most ten years of days
        window = _window(cursor, calendar)
        if window is not None and cursor < window[1]:
            begin = max(cursor, window[0])
            if begin + left <= window[1]:
                return (begin + left).astimezone(start.tzinfo)
            left -= window[1] - begin
        cursor = datetime.combine(cursor.date() + timedelta(days=1), time(0), LOCAL_TZ)
    raise ValueError("working calendar never opens")


@dataclass(frozen=True)
class Sla:
    """A category's targets: hours to reach the site and to report a result."""

    onsite_hours: float = 2.0
    result_hours: float = 6.0


def deadlines(created_at: datetime, sla: Sla, calendar: WorkCalendar) -> tuple[datetime, datetime]:
    """When staff must be on site and when the result is due, for a report of ``created_at``."""
    return (
        add_working_time(created_at, sla.onsite_hours, calendar),
        add_working_time(created_at, sla.result_hours, calendar),
    )


@dataclass(frozen=True)
class SlaStatus:
    """Where a report stands against its clock at one moment."""

    phase: str  # "onsite" (waiting for staff), "result" (being handled) or "done"
    due_at: datetime | None
    remaining: timedelta | None  # negative once overdue
    overdue: bool


def sla_status(
    status: str,
    onsite_due_at: datetime | None,
    result_due_at: datetime | None,
    first_response_at: datetime | None,
    now: datetime,
) -> SlaStatus:
    """The running clock of a report: which deadline applies, time left, overdue now."""
    if status in CLOSED_STATUSES:
        return SlaStatus("done", None, None, False)
    late_result = result_due_at is not None and now > result_due_at
    if first_response_at is None and onsite_due_at is not None:
        return SlaStatus("onsite", onsite_due_at, onsite_due_at - now, now > onsite_due_at)
    if result_due_at is None:
        return SlaStatus("result", None, None, False)
    return SlaStatus("result", result_due_at, result_due_at - now, late_result)


def on_time(finished_at: datetime | None, due_at: datetime | None) -> bool:
    """Whether something finished by its deadline (no deadline: on time)."""
    return finished_at is not None and (due_at is None or finished_at <= due_at)


def countdown(remaining: timedelta) -> str:
    """``1:05`` for 65 minutes left, ``-0:20`` for 20 minutes late (hours may exceed 24)."""
    minutes = int(remaining.total_seconds() // 60)
    sign = "-" if minutes < 0 else ""
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours}:{mins:02d}"
