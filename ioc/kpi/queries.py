"""The counts every Decision 766 formula needs, per unit, in ONE GROUP BY query per period.

A dossier counts in a period for what happened in it: *received* (receipt counts:
online, digitised...), *finished* (on time, result digitised, electronic result, rating)
and *due* (its deadline fell in the period and passed before the period's end or now).
Records are split into eras by their receipt date, so a pre-2025 district keeps the
dossiers it received even when they are finished after 1 July 2025. The WHERE clause is
an OR of three indexed ranges (received_at, finished_at, due_at), which PostgreSQL runs
as a bitmap OR of the three indexes.

:func:`dossier_counts_many` gives the same counts for several periods (a trend, weeks,
months and quarters mixed) in ONE query: each timestamp is put in a bucket between the
periods' bounds (and ``now``), the dossiers are grouped by unit, era and the three buckets,
and each period's counts are sums of the groups whose buckets fall in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ARRAY, ColumnElement, DateTime, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from ioc.kpi.periods import REFORM_AT, Era, Period
from ioc.kpi.ratio import count_if, in_period, tally
from ioc.store.models import Dossier

D = Dossier
SATISFIED_RATING = 4  # ratings are 1-5; 4 (hài lòng) and 5 (rất hài lòng) are satisfied


def era_filter(era: Era | None) -> list[ColumnElement[bool]]:
    """Records of one era (by receipt date); None keeps every record."""
    if era is None:
        return []
    if era == "pre2025":
        return [D.received_at < REFORM_AT]
    return [D.received_at >= REFORM_AT]


# Row conditions of the counts by the timestamp that puts a dossier in a period; the names
# and conditions are those of :func:`dossier_measures` without the period.
_ONLINE = D.channel == "online"
RECEIPT_CONDITIONS: dict[str, Any] = {
    "received": None,
    "published": D.published,
    "online": _ONLINE,
    "fee_required": D.fee_required,
    "paid_online": D.fee_required & D.paid_online,
    "digitised": D.digitised,
    "received_on_time": D.finished_at.is_not(None)
    & or_(D.due_at.is_(None), D.finished_at <= D.due_at),
}
FINISH_CONDITIONS: dict[str, Any] = {
    "finished": None,
    "finished_on_time": or_(D.due_at.is_(None), D.finished_at <= D.due_at),
    "result_digitised": D.result_digitised,
    "e_result": D.e_result,
    "rated": D.rating.is_not(None),
    "satisfied": D.rating >= SATISFIED_RATING,
}
DUE_NAMES = ("due", "overdue_open")
COUNT_NAMES = (*RECEIPT_CONDITIONS, *FINISH_CONDITIONS, *DUE_NAMES)
NO_BUCKET = -1  # the bucket of a NULL timestamp


def dossier_measures(period: Period, now: datetime) -> dict[str, ColumnElement[Any]]:
    """Named counts of one period (see docs/kpi.md for each)."""
    received = in_period(D.received_at, period)
    finished = in_period(D.finished_at, period)
    cutoff = min(period.bounds()[1], now)
    due = and_(in_period(D.due_at, period), D.due_at < cutoff)
    measures = {
        name: count_if(received if condition is None else received & condition)
        for name, condition in RECEIPT_CONDITIONS.items()
    }
    measures |= {
        name: count_if(finished if condition is None else finished & condition)
        for name, condition in FINISH_CONDITIONS.items()
    }
    measures["due"] = count_if(due)
    measures["overdue_open"] = count_if(due & or_(D.finished_at.is_(None), D.finished_at >= cutoff))
    return measures


def dossier_counts(
    session: Session, period: Period, era: Era | None, now: datetime
) -> dict[str, dict[str, int]]:
    """``{unit_code: {count: n}}`` for every unit with dossiers in the period and era."""
    touched = or_(
        in_period(D.received_at, period),
        in_period(D.finished_at, period),
        in_period(D.due_at, period),
    )
    return tally(session, D.unit_code, dossier_measures(period, now), [touched, *era_filter(era)])


def _bucket(column: Any, bounds: Sequence[datetime], postgres: bool) -> ColumnElement[Any]:
    """How many of the (sorted) ``bounds`` are <= ``column``; ``NO_BUCKET`` when NULL.

    PostgreSQL has it built in (``width_bucket`` over an array, a binary search); elsewhere
    it is a CASE over the bounds.
    """
    if postgres:
        array = literal(list(bounds), type_=ARRAY(DateTime(timezone=True)))
        return func.coalesce(func.width_bucket(column, array), NO_BUCKET)
    whens = [(column.is_(None), literal(NO_BUCKET))]
    whens += [(column < bound, literal(i)) for i, bound in enumerate(bounds)]
    return case(*whens, else_=literal(len(bounds)))


def _count(condition: Any) -> ColumnElement[Any]:
    if condition is None:
        return func.count()
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def dossier_counts_many(
    session: Session, periods: Sequence[tuple[Period, Era | None]], now: datetime
) -> list[dict[str, dict[str, int]]]:
    """:func:`dossier_counts` of each ``(period, era)``, in that order, from ONE query."""
    if not periods:
        return []
    edges = {edge for period, _era in periods for edge in period.bounds()}
    low, high = min(edges), max(edges)
    if low < now < high:
        edges.add(now)
    bounds = sorted(edges)
    eras = {era for _period, era in periods}
    conditions = [*RECEIPT_CONDITIONS.values(), *FINISH_CONDITIONS.values()]
    postgres = session.get_bind().dialect.name == "postgresql"
    keys = [
        D.unit_code,
        case((D.received_at < REFORM_AT, 1), else_=0),
        _bucket(D.received_at, bounds, postgres),
        _bucket(D.finished_at, bounds, postgres),
        _bucket(D.due_at, bounds, postgres),
    ]
    touched = or_(
        and_(D.received_at >= low, D.received_at < high),
        and_(D.finished_at >= low, D.finished_at < high),
        and_(D.due_at >= low, D.due_at < high),
    )
    where = [touched, *(era_filter(next(iter(eras))) if len(eras) == 1 else [])]
    query = select(*keys, *(_count(c) for c in conditions)).where(*where).group_by(*keys)
    groups = [(str(row[0]), *(int(v or 0) for v in row[1:])) for row in session.execute(query)]
    index = {bound: i for i, bound in enumerate(bounds)}
    return [
        _period_counts(
            groups,
            (index[period.bounds()[0]], index[period.bounds()[1]]),
            index.get(min(period.bounds()[1], now), -1),  # -1: the period is after now
            era,
        )
        for period, era in periods
    ]


def _period_counts(
    groups: Sequence[tuple[Any, ...]], span: tuple[int, int], cutoff: int, era: Era | None
) -> dict[str, dict[str, int]]:
    """One period's counts from the groups.

    A bucket ``b`` is in the period when ``start < b <= end`` (``span``); a due date
    counts when its bucket is ``<= cutoff`` (before ``min(end, now)``), and a dossier is
    still open at the cutoff when its finish bucket is NULL or ``> cutoff``.
    """
    start, end = span
    n_receipt = len(RECEIPT_CONDITIONS)
    result: dict[str, dict[str, int]] = {}
    for unit, pre, received, finished, due, *sums in groups:
        if era is not None and (pre == 1) != (era == "pre2025"):
            continue
        in_receipt = start < received <= end
        in_finish = start < finished <= end
        in_due = start < due <= end
        if not (in_receipt or in_finish or in_due):
            continue
        counts = result.setdefault(unit, dict.fromkeys(COUNT_NAMES, 0))
        if in_receipt:
            for name, value in zip(RECEIPT_CONDITIONS, sums[:n_receipt], strict=True):
                counts[name] += value
        if in_finish:
            for name, value in zip(FINISH_CONDITIONS, sums[n_receipt:], strict=True):
                counts[name] += value
        if in_due and due <= cutoff:
            size = sums[0]  # "received" is count(*): the group's size
            counts["due"] += size
            if finished == NO_BUCKET or finished > cutoff:
                counts["overdue_open"] += size
    return result
