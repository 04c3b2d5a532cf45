"""The counts every Decision 766 formula needs, per unit, in ONE GROUP BY query per period.

A dossier counts in a period for what happened in it: *received* (receipt counts:
online, digitised...), *finished* (on time, result digitised, electronic result, rating)
and *due* (its deadline fell in the period and passed before the period's end or now).
Records are split into eras by their receipt date, so a pre-2025 district keeps the
dossiers it received even when they are finished after 1 July 2025. The WHERE clause is
an OR of three indexed ranges (received_at, finished_at, due_at), which PostgreSQL runs
as a bitmap OR of the three indexes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.orm import Session

from ioc.kpi.periods import REFORM_AT, Era, Period
from ioc.kpi.ratio import count_if, in_period, tally
from ioc.store.models import Dossier

D = Dossier
SATISFIED_RATING = 4  # ratings are 1-5; 4 (hài lòng) and 5 (rất hài lòng) are satisfied
ONLINE_LEVEL = 3  # mức độ 3: một phần (partial) online service
FULL_ONLINE_LEVEL = 4  # mức độ 4: toàn trình (full-process) online service


def era_filter(era: Era | None) -> list[ColumnElement[bool]]:
    """Records of one era (by receipt date); None keeps every record."""
    if era is None:
        return []
    if era == "pre2025":
        return [D.received_at < REFORM_AT]
    return [D.received_at >= REFORM_AT]


def dossier_measures(period: Period, now: datetime) -> dict[str, ColumnElement[Any]]:
    """Named counts of one period (see docs/kpi.md for each)."""
    received = in_period(D.received_at, period)
    finished = in_period(D.finished_at, period)
    cutoff = min(period.bounds()[1], now)
    due = and_(in_period(D.due_at, period), D.due_at < cutoff)
    online = D.channel == "online"
    capable = received & (D.procedure_level >= ONLINE_LEVEL)
    full = received & (D.procedure_level >= FULL_ONLINE_LEVEL)
    fee = received & D.fee_required
    return {
        "received": count_if(received),
        "published": count_if(received & D.published),
        "with_due": count_if(received & D.due_at.is_not(None)),
        "online": count_if(received & online),
        "online_capable": count_if(capable),
        "online_capable_online": count_if(capable & online),
        "full_online": count_if(full),
        "full_online_online": count_if(full & online),
        "fee_required": count_if(fee),
        "paid_online": count_if(fee & D.paid_online),
        "digitised": count_if(received & D.digitised),
        "finished": count_if(finished),
        "finished_on_time": count_if(finished & or_(D.due_at.is_(None), D.finished_at <= D.due_at)),
        "result_digitised": count_if(finished & D.result_digitised),
        "e_result": count_if(finished & D.e_result),
        "rated": count_if(finished & D.rating.is_not(None)),
        "satisfied": count_if(finished & (D.rating >= SATISFIED_RATING)),
        "due": count_if(due),
        "overdue_open": count_if(due & or_(D.finished_at.is_(None), D.finished_at >= cutoff)),
    }


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
