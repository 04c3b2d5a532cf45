"""The life of a report: received → assigned → in_progress → resolved, or rejected /
duplicate; a closed report is reopened when the citizen disputes it.

Every change is a row of ``report_status_changes`` (who, when, from, to, note) and a row of
the hash-chained audit log, in the same transaction. Open311's
``open``/``closed`` is derived from the status. The first move to ``in_progress`` (staff on
site) or to a closing status stops the on-site clock; closing stops the result clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.audit import log as audit_log
from ioc.sla_clock import CLOSED_STATUSES
from ioc.store.models import CitizenReport
from ioc.store.models_reports import ReportStatusChange

STATUSES: tuple[str, ...] = (
    "received",
    "assigned",
    "in_progress",
    "resolved",
    "rejected",
    "duplicate",
    "reopened",
)
TRANSITIONS: dict[str, frozenset[str]] = {
    "received": frozenset({"assigned", "in_progress", "resolved", "rejected", "duplicate"}),
    "assigned": frozenset({"in_progress", "resolved", "rejected", "duplicate"}),
    "in_progress": frozenset({"resolved", "rejected", "duplicate"}),
    "reopened": frozenset({"assigned", "in_progress", "resolved", "rejected"}),
    "resolved": frozenset({"reopened"}),
    "rejected": frozenset({"reopened"}),
    "duplicate": frozenset({"reopened"}),
}
RESPONDED = frozenset({"in_progress"}) | CLOSED_STATUSES


class TransitionError(ValueError):
    """A status change the workflow does not allow."""


def open311_status(status: str) -> str:
    """Open311's two states: ``closed`` for resolved, rejected and duplicate, else ``open``."""
    return "closed" if status in CLOSED_STATUSES else "open"


def allowed_next(status: str) -> Sequence[str]:
    """The statuses a report in ``status`` may move to, in workflow order."""
    nexts = TRANSITIONS.get(status, frozenset())
    return [s for s in STATUSES if s in nexts]


def history_row(
    report_id: int, before: str | None, after: str, *, actor: str, note: str, at: datetime
) -> ReportStatusChange:
    return ReportStatusChange(
        report_id=report_id,
        from_status=before,
        to_status=after,
        actor=actor,
        note=note,
        changed_at=at,
    )


def change_status(
    session: Session,
    report: CitizenReport,
    to: str,
    *,
    actor: str,
    at: datetime,
    note: str = "",
    duplicate_of: int | None = None,
    client: str = "",
) -> ReportStatusChange:
    """Move ``report`` to ``to`` (or raise :class:`TransitionError`) and record the change
    in the report's history and the audit log."""
    before = report.status
    if to not in TRANSITIONS.get(before, frozenset()):
        raise TransitionError(f"report {report.id}: {before} → {to} is not allowed")
    report.status = to
    report.updated_at = at
    if to in RESPONDED and report.first_response_at is None:
        report.first_response_at = at
    if to in CLOSED_STATUSES:
        report.resolved_at = at
        report.overdue = False
    if to == "reopened":
        report.resolved_at = None
    if to == "duplicate":
        report.duplicate_of = duplicate_of
    if note:
        report.status_notes = note
    change = history_row(report.id, before, to, actor=actor, note=note, at=at)
    session.add(change)
    audit_log.append(
        session,
        "report.status",
        actor=actor,
        target=f"report:{report.id}",
        unit_code=report.unit_code,
        client=client,
        detail={"from": before, "to": to, "note": note[:500]},
        at=at,
    )
    session.flush()
    return change


def history(session: Session, report_id: int) -> Sequence[ReportStatusChange]:
    """Every change of one report, oldest first."""
    return session.scalars(
        select(ReportStatusChange)
        .where(ReportStatusChange.report_id == report_id)
        .order_by(ReportStatusChange.changed_at, ReportStatusChange.id)
    ).all()
