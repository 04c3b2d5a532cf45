"""Reading reports back: one filter used by the Open311 API and the ``/reports`` page.

Nothing here reads the contacts table: what these functions return may be shown publicly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ioc.reports.workflow import STATUSES
from ioc.sla_clock import CLOSED_STATUSES
from ioc.store.models import CitizenReport

OPEN_STATUSES = tuple(s for s in STATUSES if s not in CLOSED_STATUSES)


@dataclass(frozen=True)
class ReportFilter:
    """Which reports to list; empty fields do not filter. ``within`` is the set of unit codes
    the reader may see (``None``: the whole province)."""

    ids: tuple[int, ...] = ()
    service_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    unit_code: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    limit: int = 1000
    within: frozenset[str] | None = None


def statuses_of(open311: str) -> tuple[str, ...]:
    """The workflow statuses behind Open311's ``open`` / ``closed``."""
    return OPEN_STATUSES if open311 == "open" else tuple(sorted(CLOSED_STATUSES))


def report_query(chosen: ReportFilter) -> Select[CitizenReport]:
    query = select(CitizenReport)
    if chosen.ids:
        query = query.where(CitizenReport.id.in_(chosen.ids))
    if chosen.service_codes:
        query = query.where(CitizenReport.service_code.in_(chosen.service_codes))
    if chosen.statuses:
        query = query.where(CitizenReport.status.in_(chosen.statuses))
    if chosen.unit_code:
        query = query.where(CitizenReport.unit_code == chosen.unit_code)
    if chosen.within is not None:
        query = query.where(CitizenReport.unit_code.in_(sorted(chosen.within)))
    if chosen.start is not None:
        query = query.where(CitizenReport.created_at >= chosen.start)
    if chosen.end is not None:
        query = query.where(CitizenReport.created_at <= chosen.end)
    return query


def find_reports(session: Session, chosen: ReportFilter) -> Sequence[CitizenReport]:
    """Reports matching ``chosen``, newest first."""
    query = report_query(chosen).order_by(CitizenReport.created_at.desc(), CitizenReport.id.desc())
    return session.scalars(query.limit(chosen.limit)).all()
