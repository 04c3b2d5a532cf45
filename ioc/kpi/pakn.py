"""PAKN (phản ánh, kiến nghị) counts of the satisfaction group, from our citizen reports.

For the reports received in a period (by ``created_at``, local time), per unit:

* ``pakn_received`` — how many;
* ``pakn_handled`` — resolved, or still open after their result deadline passed (before
  the period's end, or now in a running period): the reports whose handling is judged;
* ``pakn_on_time`` — resolved by their result deadline (no deadline: on time);
* ``pakn_rated`` / ``pakn_satisfied`` — closed reports the citizen rated (1–5) / rated 4–5.

Rejected and duplicate reports are closed without a handling to judge; they count only in
``pakn_received`` (and in the ratings, if a citizen rated them).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_
from sqlalchemy.orm import Session

from ioc.kpi.periods import REFORM_AT, Era, Period
from ioc.kpi.ratio import count_if, in_period, tally
from ioc.store.models import CitizenReport

R = CitizenReport
CLOSED = ("resolved", "rejected", "duplicate")
SATISFIED_RATING = 4


def pakn_counts(
    session: Session, period: Period, era: Era | None, now: datetime
) -> dict[str, dict[str, int]]:
    """``{unit: {pakn_*: n}}`` for every unit with reports received in the period."""
    received = in_period(R.created_at, period)
    cutoff = min(period.bounds()[1], now)
    resolved = R.status == "resolved"
    late_open = and_(R.status.not_in(CLOSED), R.result_due_at < cutoff)
    on_time = resolved & or_(R.result_due_at.is_(None), R.resolved_at <= R.result_due_at)
    measures = {
        "pakn_received": count_if(received),
        "pakn_handled": count_if(resolved | late_open),
        "pakn_on_time": count_if(on_time),
        "pakn_rated": count_if(R.rating.is_not(None)),
        "pakn_satisfied": count_if(R.rating >= SATISFIED_RATING),
    }
    where = [received, R.unit_code.is_not(None)]
    if era is not None:
        where.append(R.created_at < REFORM_AT if era == "pre2025" else R.created_at >= REFORM_AT)
    return tally(session, R.unit_code, measures, where)
