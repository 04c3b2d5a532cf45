"""``ioc reports sla-check``: flag overdue reports and escalate them to the parent unit.

An open report whose on-site or result deadline has passed is flagged ``overdue``; the
first time, it is escalated to the parent of its unit (the unit of the report's date, so a
2024 report in a district goes to the province) and the escalation is written to the status
history (status unchanged, with a note). Both changes are appended to the audit log
(``report.overdue``, ``report.escalated``) in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.audit import log as audit_log
from ioc.reports.queries import OPEN_STATUSES
from ioc.reports.workflow import history_row
from ioc.sla_clock import sla_status
from ioc.store.backends import valid_at
from ioc.store.models import AdminUnit, CitizenReport
from ioc.timeutil import to_local


@dataclass(frozen=True)
class SlaCheck:
    """What one check found and did."""

    open_reports: int
    overdue_now: int
    newly_overdue: int
    escalated: int


def parent_unit(session: Session, unit_code: str | None, at: date) -> str | None:
    """The parent code of ``unit_code`` as the unit was on ``at``."""
    if unit_code is None:
        return None
    unit = session.scalars(valid_at(at).where(AdminUnit.code == unit_code).limit(1)).first()
    return None if unit is None else unit.parent_code


def check_overdue(session: Session, now: datetime, actor: str = "sla-check") -> SlaCheck:
    """Flag and escalate every open report past a deadline at ``now``."""
    reports = session.scalars(
        select(CitizenReport).where(CitizenReport.status.in_(OPEN_STATUSES))
    ).all()
    overdue = newly = escalated = 0
    events: list[audit_log.Event] = []
    for report in reports:
        state = sla_status(
            report.status,
            report.onsite_due_at,
            report.result_due_at,
            report.first_response_at,
            now,
        )
        if not state.overdue:
            continue
        overdue += 1
        if not report.overdue:
            report.overdue, newly = True, newly + 1
            events.append(_event("report.overdue", report, actor, now, _dues(report)))
        if report.escalated_to is None and escalate(session, report, now, actor):
            escalated += 1
            events.append(
                _event("report.escalated", report, actor, now, {"to": report.escalated_to})
            )
    # Appended together at the end: the audit chain head is locked once, for a moment.
    audit_log.append_many(session, events)
    session.flush()
    return SlaCheck(len(reports), overdue, newly, escalated)


def escalate(session: Session, report: CitizenReport, now: datetime, actor: str) -> bool:
    """Hand ``report`` to its unit's parent; False when the unit has none (the province)."""
    parent = parent_unit(session, report.unit_code, to_local(report.created_at).date())
    if parent is None:
        return False
    report.escalated_to, report.escalated_at = parent, now
    note = f"Quá hạn xử lý, chuyển lên đơn vị cấp trên {parent} / overdue, escalated to {parent}"
    session.add(
        history_row(report.id, report.status, report.status, actor=actor, note=note, at=now)
    )
    return True


def _event(
    action: str, report: CitizenReport, actor: str, now: datetime, detail: dict[str, Any]
) -> audit_log.Event:
    detail = {"status": report.status} | detail
    return audit_log.Event(
        action, actor, f"report:{report.id}", report.unit_code, detail=detail, at=now
    )


def _dues(report: CitizenReport) -> dict[str, str | None]:
    def iso(moment: datetime | None) -> str | None:
        return None if moment is None else moment.isoformat()

    return {"onsite_due_at": iso(report.onsite_due_at), "result_due_at": iso(report.result_due_at)}
