"""Decision 766 scores for the control-room pages, from the shared period counts.

A period's counts per unit are a shared aggregate (:mod:`ioc.aggregates.kpi`): the
refresher (``ioc aggregates``) counts the periods every page asks for once per refresh,
for every web process and host; a page asking for another period (or finding one
expired) counts it itself, a trend all its missing periods in ONE query
(:func:`ioc.kpi.queries.dossier_counts_many`), and shares the result. Scores are computed
from counts once per process and counts. Weeks are periods too
(:class:`ioc.kpi.periods.Week`), for the leader's weekly trend.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from ioc.aggregates import shared
from ioc.aggregates.kpi import Counts, period_counts_many
from ioc.i18n import t
from ioc.kpi.decision766 import Score, score
from ioc.kpi.periods import TREND_KINDS, Era, Period, TrendKind, Week, default_era, period_at
from ioc.kpi.ratio import PROVINCE, add_counts
from ioc.kpi.weights import default_weights

__all__ = ["TREND_KINDS", "TrendKind", "Week", "period_at"]  # kept here for the pages
RUNNING_TTL_S = 60.0  # pages recolour their KPI layers this often
MAX_ENTRIES = 512
_SCORES: dict[tuple[str, ...], tuple[Counts, dict[str, Score]]] = {}
_LOCK = threading.Lock()


def clear() -> None:
    """Forget this process's scores and shared aggregates (tests)."""
    with _LOCK:
        _SCORES.clear()
    shared.clear()


def period_counts(session: Session, period: Period, era: Era | None, now: datetime) -> Counts:
    """Counts per unit for a period (the shared aggregate; see the module's docstring)."""
    return period_counts_many(session, [(period, era)], now)[0]


def prefetch(session: Session, periods: Sequence[Period], now: datetime) -> None:
    """Make sure the periods' counts (default era) are here, counting the missing together."""
    period_counts_many(session, [(period, default_era(period)) for period in periods], now)


def period_scores(
    session: Session, period: Period, now: datetime, era: Era | None = None
) -> dict[str, Score]:
    """Each unit's score in ``period`` and the province's (key ``PROVINCE``, from all counts).

    Scored once per process for each counts aggregate, so a page asking three times, and
    every page after it until the counts are refreshed, scores once.
    """
    era = era or default_era(period)
    counts = period_counts(session, period, era, now)
    key = (str(session.get_bind().engine.url), type(period).__name__, str(period), str(era))
    found = _SCORES.get(key)
    if found is not None and found[0] is counts:
        return found[1]
    weights = default_weights()
    scores = {code: score(values, weights) for code, values in counts.items()}
    scores[PROVINCE] = score(add_counts(counts.values()), weights)
    with _LOCK:
        if len(_SCORES) >= MAX_ENTRIES:
            _SCORES.clear()
        _SCORES[key] = (counts, scores)
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
