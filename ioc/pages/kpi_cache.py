"""Decision 766 scores for the control-room pages, from the shared period counts.

A period's counts per unit are a shared aggregate (:mod:`ioc.aggregates.kpi`): the
refresher (``ioc aggregates``) counts the periods every page asks for once per refresh,
for every web process and host; a page asking for another period (or finding one
expired) counts it itself, a trend all its missing periods in ONE query
(:func:`ioc.kpi.queries.dossier_counts_many`), and shares the result. The scores the pages
show (total and group points per unit) are shared the same way, so no process scores a
province either. Weeks are periods too
(:class:`ioc.kpi.periods.Week`), for the leader's weekly trend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from ioc.aggregates.kpi import Counts, Metrics, period_counts_many, period_metrics_many
from ioc.i18n import t
from ioc.kpi.areas import area_key
from ioc.kpi.periods import TREND_KINDS, Era, Period, TrendKind, Week, default_era, period_at
from ioc.kpi.ratio import PROVINCE
from ioc.kpi.weights import default_weights

__all__ = ["TREND_KINDS", "TrendKind", "Week", "period_at"]  # kept here for the pages
RUNNING_TTL_S = 60.0  # pages recolour their KPI layers this often


def period_counts(session: Session, period: Period, era: Era | None, now: datetime) -> Counts:
    """Counts per unit for a period (the shared aggregate; see the module's docstring)."""
    return period_counts_many(session, [(period, era)], now)[0]


def prefetch(session: Session, periods: Sequence[Period], now: datetime) -> None:
    """Make sure the periods' scores (default era) are here, counting the missing together."""
    period_metrics_many(session, [(period, default_era(period)) for period in periods], now)


def period_scores(
    session: Session, period: Period, now: datetime, era: Era | None = None
) -> Metrics:
    """Each unit's scores in ``period`` and the province's (key ``PROVINCE``): ``total``
    and each group's points, by unit code (the shared aggregate; scored once for all)."""
    return period_metrics_many(session, [(period, era or default_era(period))], now)[0]


def unit_metrics(scores: Metrics, code: str) -> tuple[Mapping[str, float | None] | None, bool]:
    """A unit's own scores, else its area's aggregate (``True``: it is the area's)."""
    own = scores.get(code)
    if own is not None and own.get("total") is not None:
        return own, False
    area = scores.get(area_key(code))
    return (area, True) if area is not None else (own, False)


def metric_of(found: Mapping[str, float | None] | None, metric: str) -> float | None:
    """The total (``metric == "total"``) or one group's points of a unit's scores."""
    return None if found is None else found.get(metric)


def latest_scores(session: Session, now: datetime) -> tuple[Period, Metrics]:
    """This month's scores, or last month's when this month has no dossier yet."""
    month = period_at(now, "month")
    scores = period_scores(session, month, now)
    if scores[PROVINCE]["total"] is None:
        month = month.previous()
        scores = period_scores(session, month, now)
    return month, scores


def series(
    session: Session, now: datetime, kind: TrendKind, steps: int
) -> list[tuple[Period, Metrics]]:
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
