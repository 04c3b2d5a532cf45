"""Decision 766 scores for the control-room pages, computed once and kept for a while.

A period's counts are one GROUP BY over the dossiers (``ioc.kpi.queries``); pages ask for
the same periods again and again (every unit page, every rotation of the wall), so the
counts are cached per process: a minute for a period still running, half an hour for a
closed one. Weeks are periods too (:class:`Week`), for the leader's weekly trend.

A trend's missing periods are counted together in ONE query
(:func:`ioc.kpi.queries.dossier_counts_many`), and :func:`start_warm_up` (called by
``create_app``) fills the cache in a background thread with the periods every page asks
for, then keeps them fresh, so that no visitor waits for a cold cache.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy.orm import Session

from ioc.i18n import t
from ioc.kpi.decision766 import Score, score
from ioc.kpi.periods import Era, Period, default_era, local_midnight, period_of
from ioc.kpi.queries import dossier_counts, dossier_counts_many
from ioc.kpi.ratio import PROVINCE, add_counts
from ioc.kpi.weights import default_weights
from ioc.store import Store
from ioc.timeutil import to_local, utcnow

TrendKind = Literal["week", "month", "quarter"]
TREND_KINDS: tuple[TrendKind, ...] = ("week", "month", "quarter")
RUNNING_TTL_S = 60.0
CLOSED_TTL_S = 1800.0
MAX_ENTRIES = 512
WARM_STEPS = 8  # periods of each kind kept warm: the leader's trends (the unit pages use 6)
WARM_EVERY_S = 15.0  # how often the warm-up looks for entries about to expire
WARM_MARGIN = 0.75  # ... i.e. older than this share of their TTL
log = logging.getLogger(__name__)
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


def _key(session: Session, period: Period, era: Era | None) -> tuple[str, ...]:
    return (str(session.get_bind().engine.url), type(period).__name__, str(period), str(era))


def _ttl(period: Period, now: datetime) -> float:
    return RUNNING_TTL_S if period.bounds()[1] > now else CLOSED_TTL_S


def period_counts(
    session: Session, period: Period, era: Era | None, now: datetime
) -> Mapping[str, Mapping[str, int]]:
    """Counts per unit for a period (cached; see the module's docstring)."""
    key = _key(session, period, era)
    return cached(key, _ttl(period, now), lambda: dossier_counts(session, period, era, now))  # type: ignore[no-any-return]


def prefetch(
    session: Session, periods: Sequence[Period], now: datetime, margin: float = 1.0
) -> int:
    """Count in ONE query the periods (default era) not cached within ``margin`` × TTL.

    Returns how many periods were counted.
    """
    clock = time.monotonic()
    wanted: dict[tuple[str, ...], tuple[Period, Era, float]] = {}
    for period in periods:
        era = default_era(period)
        key = _key(session, period, era)
        found = _CACHE.get(key)
        ttl = _ttl(period, now)
        if found is None or clock - found[0] >= ttl * margin:
            wanted[key] = (period, era, ttl)
    if not wanted:
        return 0
    counted = dossier_counts_many(session, [(p, era) for p, era, _ttl in wanted.values()], now)
    if len(_CACHE) + len(wanted) > MAX_ENTRIES:
        _CACHE.clear()
    for key, counts in zip(wanted, counted, strict=True):
        _CACHE[key] = (clock, counts)
    return len(wanted)


def warm_periods(now: datetime, steps: int = WARM_STEPS) -> list[Period]:
    """The periods the pages ask for: the last ``steps`` weeks, months and quarters."""
    return [period_at(now, kind).shift(-back) for kind in TREND_KINDS for back in range(steps)]


def _warm_loop(store_ref: weakref.ref[Store]) -> None:
    """Warm the cache, then refresh entries about to expire; ends with its store."""
    while (store := store_ref()) is not None:
        try:
            now = utcnow()
            with store.session() as session:
                prefetch(session, warm_periods(now), now, WARM_MARGIN)
        except Exception as exc:  # best effort: pages count on demand; at shutdown the store
            # goes away under it, which is no reason for a traceback in the log
            log.warning("KPI cache warm-up skipped: %s", type(exc).__name__)
            log.debug("KPI cache warm-up failure", exc_info=True)
        del store
        time.sleep(WARM_EVERY_S)


def start_warm_up(store: Store) -> threading.Thread:
    """Fill and keep fresh this process's cache in a daemon thread (see the docstring)."""
    thread = threading.Thread(
        target=_warm_loop, args=(weakref.ref(store),), name="kpi-warm-up", daemon=True
    )
    thread.start()
    return thread


def period_scores(
    session: Session, period: Period, now: datetime, era: Era | None = None
) -> dict[str, Score]:
    """Each unit's score in ``period`` and the province's (key ``PROVINCE``, from all counts).

    Cached like the counts they come from, so a page asking three times scores once.
    """
    era = era or default_era(period)
    running = period.bounds()[1] > now
    url = str(session.get_bind().engine.url)
    key = ("scores", url, type(period).__name__, str(period), str(era))

    def compute() -> dict[str, Score]:
        counts = period_counts(session, period, era, now)
        weights = default_weights()
        scores = {code: score(values, weights) for code, values in counts.items()}
        scores[PROVINCE] = score(add_counts(counts.values()), weights)
        return scores

    return cached(key, RUNNING_TTL_S if running else CLOSED_TTL_S, compute)  # type: ignore[no-any-return]


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
    prefetch(session, [current.shift(-back) for back in range(steps)], now)
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
