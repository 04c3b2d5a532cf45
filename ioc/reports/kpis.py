"""KPIs of citizen reports per unit and period: pure formulas plus one SQL aggregation.

For the reports received in a period (``created_at`` in ``[start, end)``):

* ``received`` — how many; ``resolved`` — how many are ``resolved`` (rejected and duplicate
  reports are closed but not resolved);
* ``on_time_pct`` — resolved by the result deadline ÷ resolved × 100 (None if none);
* ``median_first_response_h`` — median hours from receipt to staff on site (first move to
  ``in_progress`` or closing), over reports that had one;
* ``median_resolution_h`` — median hours from receipt to ``resolved``;
* ``overdue_now`` — open reports past a deadline at ``now``;
* ``satisfaction`` — mean citizen rating (1–5) over rated reports (``rated`` of them);
* ``top_categories`` — the three most reported service codes with their counts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from ioc.reports.queries import OPEN_STATUSES
from ioc.sla_clock import on_time, sla_status
from ioc.store.models import CitizenReport


@dataclass(frozen=True)
class KpiRow:
    """The fields of one report that the KPIs read."""

    unit_code: str | None
    service_code: str
    status: str
    created_at: datetime
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    onsite_due_at: datetime | None = None
    result_due_at: datetime | None = None
    rating: int | None = None


@dataclass(frozen=True)
class Kpis:
    """The KPIs of one unit (or of everything) over one period."""

    received: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    on_time_pct: float | None = None
    median_first_response_h: float | None = None
    median_resolution_h: float | None = None
    overdue_now: int = 0
    satisfaction: float | None = None
    rated: int = 0
    top_categories: tuple[tuple[str, int], ...] = ()


def _hours(pairs: Iterable[tuple[datetime, datetime | None]]) -> float | None:
    spans = [(end - start).total_seconds() / 3600 for start, end in pairs if end is not None]
    return median(spans) if spans else None


def _top(codes: Iterable[str], count: int = 3) -> tuple[tuple[str, int], ...]:
    ranked = sorted(Counter(codes).items(), key=lambda item: (-item[1], item[0]))
    return tuple(ranked[:count])


def is_overdue(row: KpiRow, now: datetime) -> bool:
    state = sla_status(row.status, row.onsite_due_at, row.result_due_at, row.first_response_at, now)
    return state.overdue


def compute_kpis(rows: Sequence[KpiRow], now: datetime) -> Kpis:
    """The KPIs of ``rows`` (already limited to one unit and period) at ``now``."""
    resolved = [r for r in rows if r.status == "resolved"]
    punctual = sum(on_time(r.resolved_at, r.result_due_at) for r in resolved)
    ratings = [r.rating for r in rows if r.rating is not None]
    return Kpis(
        received=len(rows),
        resolved=len(resolved),
        resolved_on_time=punctual,
        on_time_pct=100 * punctual / len(resolved) if resolved else None,
        median_first_response_h=_hours((r.created_at, r.first_response_at) for r in rows),
        median_resolution_h=_hours((r.created_at, r.resolved_at) for r in resolved),
        overdue_now=sum(is_overdue(r, now) for r in rows),
        satisfaction=sum(ratings) / len(ratings) if ratings else None,
        rated=len(ratings),
        top_categories=_top(r.service_code for r in rows),
    )


def kpis_by_unit(rows: Sequence[KpiRow], now: datetime) -> dict[str | None, Kpis]:
    """:func:`compute_kpis` for each unit code found in ``rows``."""
    groups: dict[str | None, list[KpiRow]] = defaultdict(list)
    for row in rows:
        groups[row.unit_code].append(row)
    return {unit: compute_kpis(group, now) for unit, group in groups.items()}


def period_kpis(
    session: Session, start: datetime, end: datetime, now: datetime
) -> dict[str | None, Kpis]:
    """The KPIs of every unit for reports received in ``[start, end)``, counted in SQL."""
    r = CitizenReport
    in_period = and_(r.created_at >= start, r.created_at < end)
    is_resolved = r.status == "resolved"
    punctual = and_(is_resolved, or_(r.result_due_at.is_(None), r.resolved_at <= r.result_due_at))
    late = and_(
        r.status.in_(OPEN_STATUSES),
        or_(
            and_(r.first_response_at.is_(None), r.onsite_due_at < now),
            r.result_due_at < now,
        ),
    )
    counts = session.execute(
        select(
            r.unit_code,
            func.count(),
            func.sum(case((is_resolved, 1), else_=0)),
            func.sum(case((punctual, 1), else_=0)),
            func.sum(case((late, 1), else_=0)),
            func.avg(r.rating),
            func.count(r.rating),
        )
        .where(in_period)
        .group_by(r.unit_code)
    ).all()
    spans = _span_rows(session, in_period)
    tops = _category_counts(session, in_period)
    return {
        unit: Kpis(
            received=int(n),
            resolved=int(done or 0),
            resolved_on_time=int(ok or 0),
            on_time_pct=100 * int(ok or 0) / int(done) if done else None,
            median_first_response_h=_hours(spans[unit][0]),
            median_resolution_h=_hours(spans[unit][1]),
            overdue_now=int(overdue or 0),
            satisfaction=float(mean) if mean is not None else None,
            rated=int(rated),
            top_categories=tops.get(unit, ()),
        )
        for unit, n, done, ok, overdue, mean, rated in counts
    }


_Spans = tuple[list[tuple[datetime, datetime | None]], list[tuple[datetime, datetime | None]]]


def _span_rows(session: Session, in_period: ColumnElement[bool]) -> dict[str | None, _Spans]:
    """Per unit: (created, first response) pairs and (created, resolved) pairs."""
    r = CitizenReport
    rows = session.execute(
        select(r.unit_code, r.status, r.created_at, r.first_response_at, r.resolved_at).where(
            in_period
        )
    ).all()
    spans: dict[str | None, _Spans] = defaultdict(lambda: ([], []))
    for unit, status, created, first, resolved in rows:
        spans[unit][0].append((created, first))
        if status == "resolved":
            spans[unit][1].append((created, resolved))
    return spans


def _category_counts(
    session: Session, in_period: ColumnElement[bool]
) -> dict[str | None, tuple[tuple[str, int], ...]]:
    r = CitizenReport
    rows = session.execute(
        select(r.unit_code, r.service_code, func.count())
        .where(in_period)
        .group_by(r.unit_code, r.service_code)
    ).all()
    counts: dict[str | None, Counter[str]] = defaultdict(Counter)
    for unit, code, n in rows:
        counts[unit][code] = int(n)
    return {unit: _top(counter.elements()) for unit, counter in counts.items()}
