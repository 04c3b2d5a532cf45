"""Decision 766 scores for the control-room pages, computed once and kept for a while.

A period's counts are one GROUP BY over the dossiers (``ioc.kpi.queries``); pages ask for
the same periods again and again (every unit page, every rotation of the wall), so the
counts are cached per process: a minute for a period still running, half an hour for a
closed one. Weeks are periods too (:class:`Week`), for the leader's weekly trend.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy.orm import Session

from ioc.i18n import t
from ioc.kpi.decision766 import Score, score
from ioc.kpi.periods import Era, Period, default_era, local_midnight, period_of
from ioc.kpi.queries import dossier_counts
from ioc.kpi.ratio import PROVINCE, add_counts
from ioc.kpi.weights import default_weights
from ioc.timeutil import to_local

TrendKind = Literal["week", "month", "quarter"]
TREND_KINDS: tuple[TrendKind, ...] = ("week", "month", "quarter")
RUNNING_TTL_S = 60.0
CLOSED_TTL_S = 1800.0
MAX_ENTRIES = 512
_CACHE: dict[tuple[str, ...], tuple[float, Any]] = {}


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


def cached(key: tuple[str, ...], ttl: float, compute: Callable[[], Any]) -> Any:
    """``compute()``, or its value from less than ``ttl`` seconds ago."""
    found = _CACHE.get(key)
    clock = time.monotonic()
    if found is not None and clock - found[0] < ttl:
        return found[1]
    value = compute()
    if len(_CACHE) >= MAX_ENTRIES:
        _CACHE.clear()
    _CACHE[key] = (clock, value)
    return value


def clear() -> None:
    _CACHE.clear()


def period_counts(
    session: Session, period: Period, era: Era | None, now: datetime
) -> Mapping[str, Mapping[str, int]]:
    """Counts per unit for a period (cached; see the module's docstring)."""
    running = period.bounds()[1] > now
    key = (str(session.get_bind().engine.url), type(period).__name__, str(period), str(era))
    ttl = RUNNING_TTL_S if running else CLOSED_TTL_S
    return cached(key, ttl, lambda: dossier_counts(session, period, era, now))  # type: ignore[no-any-return]


def period_scores(
    session: Session, period: Period, now: datetime, era: Era | None = None
) -> dict[str, Score]:
    """Each unit's score in ``period`` and the province's (key ``PROVINCE``, from all counts)."""
    counts = period_counts(session, period, era or default_era(period), now)
    weights = default_weights()
    scores = {code: score(values, weights) for code, values in counts.items()}
    scores[PROVINCE] = score(add_counts(counts.values()), weights)
    return scores


def metric_of(found: Score | None, metric: str) -> float | None:
    """The total (``metric == "total"``) or one group's points of a score."""
    if found is None:
        return None
    if metric == "total":
        return found.total
    try:
        return found.group(metric).points
    except (KeyError, StopIteration, ValueError):
        return None


def latest_scores(session: Session, now: datetime) -> tuple[Period, dict[str, Score]]:
    """This month's scores, or last month's when this month has no dossier yet."""
    month = period_at(now, "month")
    scores = period_scores(session, month, now)
    if scores[PROVINCE].total is None:
        month = month.previous()
        scores = period_scores(session, month, now)
    return month, scores


def series(
    session: Session, now: datetime, kind: TrendKind, steps: int
) -> list[tuple[Period, dict[str, Score]]]:
    """Scores of the last ``steps`` periods of ``kind``, oldest first."""
    current = period_at(now, kind)
    return [
        (current.shift(-back), period_scores(session, current.shift(-back), now))
        for back in range(steps - 1, -1, -1)
    ]


def group_keys() -> list[str]:
    return [group.key for group in default_weights().groups]


def metric_name(metric: str, lang: str) -> str:
    if metric in ("total", "cameras"):
        return t(f"metric.{metric}", lang)
    group = next((g for g in default_weights().groups if g.key == metric), None)
    return group.name(lang) if group else metric


def metric_max(metric: str) -> float:
    if metric == "total":
        return 100.0
    group = next((g for g in default_weights().groups if g.key == metric), None)
    return group.points if group else 100.0
