"""Reporting periods (month, quarter, year) in Vietnamese local time, and the two eras.

A period runs from 00:00 Asia/Ho_Chi_Minh on its first day to 00:00 on the first day of
the next one. The 2025 reform splits records into eras by their own date: ``pre2025``
(received before 1 July 2025, old districts) and ``post2025`` (new communes and wards).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from ioc.timeutil import LOCAL_TZ, to_local

PeriodKind = Literal["month", "quarter", "year"]
TrendKind = Literal["week", "month", "quarter"]
TREND_KINDS: tuple[TrendKind, ...] = ("week", "month", "quarter")
Era = Literal["pre2025", "post2025"]
ERAS: tuple[Era, ...] = ("pre2025", "post2025")
REFORM_DAY = date(2025, 7, 1)
LAST_OLD_DAY = date(2025, 6, 30)
_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})-[Qq]([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})$"), "year"),
)
_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def local_midnight(day: date) -> datetime:
    """00:00 local time on ``day``, as an aware UTC datetime."""
    return datetime.combine(day, time(0), LOCAL_TZ).astimezone(UTC)


REFORM_AT = local_midnight(REFORM_DAY)


@dataclass(frozen=True, order=True)
class Period:
    """A month (index 1-12), quarter (1-4) or year (index 1)."""

    kind: PeriodKind
    year: int
    index: int = 1

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2026-10`` (month), ``2026-Q4`` (quarter) or ``2026`` (year)."""
        for pattern, kind in _PATTERNS:
            match = pattern.match(text.strip())
            if match:
                index = int(match.group(2)) if match.lastindex == 2 else 1
                if kind == "month" and not 1 <= index <= 12:
                    break
                return cls(kind, int(match.group(1)), index)  # type: ignore[arg-type]
        raise ValueError(f"not a period (YYYY-MM, YYYY-Qn or YYYY): {text!r}")

    def __str__(self) -> str:
        if self.kind == "month":
            return f"{self.year:04d}-{self.index:02d}"
        if self.kind == "quarter":
            return f"{self.year:04d}-Q{self.index}"
        return f"{self.year:04d}"

    @property
    def first_day(self) -> date:
        return date(self.year, (self.index - 1) * _MONTHS[self.kind] + 1, 1)

    @property
    def end_day(self) -> date:
        """The first day after the period."""
        return self.shift(1).first_day

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.end_day.toordinal() - 1)

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware UTC datetimes (local midnights)."""
        return local_midnight(self.first_day), local_midnight(self.end_day)

    def shift(self, steps: int) -> Period:
        """The period ``steps`` periods later (negative: earlier)."""
        per_year = 12 // _MONTHS[self.kind]
        ordinal = self.year * per_year + self.index - 1 + steps
        return Period(self.kind, ordinal // per_year, ordinal % per_year + 1)

    def previous(self) -> Period:
        return self.shift(-1)


@dataclass(frozen=True, order=True)
class Week(Period):
    """An ISO week (Monday to Sunday, local time); ``index`` is the week number."""

    @classmethod
    def of(cls, day: date) -> Week:
        year, week, _ = day.isocalendar()
        return cls("month", year, week)

    def __str__(self) -> str:
        return f"{self.year:04d}-W{self.index:02d}"

    @property
    def first_day(self) -> date:
        return date.fromisocalendar(self.year, self.index, 1)

    @property
    def end_day(self) -> date:
        return self.first_day + timedelta(days=7)

    def bounds(self) -> tuple[datetime, datetime]:
        return local_midnight(self.first_day), local_midnight(self.end_day)

    def shift(self, steps: int) -> Week:
        return Week.of(self.first_day + timedelta(days=7 * steps))


def period_at(now: datetime, kind: TrendKind) -> Period:
    """The period of ``kind`` running at ``now`` (local time)."""
    day = to_local(now).date()
    return Week.of(day) if kind == "week" else period_of(day, kind)


def recent_periods(now: datetime, steps: int) -> list[Period]:
    """The last ``steps`` weeks, months and quarters (the trends' and rankings' periods)."""
    return [period_at(now, kind).shift(-back) for kind in TREND_KINDS for back in range(steps)]


def is_running(period: Period, now: datetime) -> bool:
    """Whether ``period`` has not ended at ``now`` (its counts still move)."""
    return period.bounds()[1] > now


def period_label(period: Period, now: datetime, partial: str) -> str:
    """``2026-12`` or, while it runs, ``2026-12 (partial)``: a running period's figures
    are not final and must not read as a complete period's."""
    return f"{period} ({partial})" if is_running(period, now) else str(period)


def period_of(day: date, kind: PeriodKind) -> Period:
    """The period of ``kind`` containing ``day``."""
    if kind == "month":
        return Period("month", day.year, day.month)
    if kind == "quarter":
        return Period("quarter", day.year, (day.month - 1) // 3 + 1)
    return Period("year", day.year)


def default_era(period: Period) -> Era:
    """Old districts for a period that ends before the reform, new units otherwise."""
    return "pre2025" if period.end_day <= REFORM_DAY else "post2025"


def era_day(era: Era, period: Period) -> date:
    """The day whose valid units name the rows of ``era`` within ``period``."""
    if era == "pre2025":
        return min(period.last_day, LAST_OLD_DAY)
    return max(period.first_day, REFORM_DAY)


def era_of(moment: datetime) -> Era:
    """The era of a record by its date."""
    return "pre2025" if moment < REFORM_AT else "post2025"
