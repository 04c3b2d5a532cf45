"""A citizen's rating (1–5) of how a closed report was handled.

Decision 766's satisfaction group scores the handling of citizen feedback (PAKN) from
these ratings (4–5: satisfied; see docs/kpi.md). Citizens rate through the Open311
extension ``POST /open311/v2/requests/<id>/rating.json`` (docs/open311.md) or the MQTT
topic ``ioc/v1/report/<source app>/rating`` (docs/mqtt.md). A report can be rated once,
only when closed; sending the same rating again changes nothing (a repeat), a different
one is refused. The rating is written to the audit log with the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ioc.audit import log as audit_log
from ioc.sla_clock import CLOSED_STATUSES
from ioc.store.models import CitizenReport

RATINGS = range(1, 6)


@dataclass(frozen=True)
class RatingOutcome:
    """``stored`` (new rating), ``repeat`` (the same rating again) or a refusal reason."""

    stored: bool = False
    repeat: bool = False
    error: str = ""
    not_found: bool = False


def rate_report(
    session: Session, report_id: int, rating: int, *, actor: str, at: datetime, client: str = ""
) -> RatingOutcome:
    """Store the citizen's rating of a closed report (see the module's docstring)."""
    if rating not in RATINGS:
        return RatingOutcome(error=f"rating must be 1-5: {rating}")
    report = session.get(CitizenReport, report_id)
    if report is None:
        return RatingOutcome(error=f"no report {report_id}", not_found=True)
    if report.status not in CLOSED_STATUSES:
        return RatingOutcome(error=f"report {report_id} is not closed yet ({report.status})")
    if report.rating is not None:
        if report.rating == rating:
            return RatingOutcome(repeat=True)
        return RatingOutcome(error=f"report {report_id} was already rated {report.rating}")
    report.rating = rating
    audit_log.append(
        session,
        "report.rated",
        actor=actor,
        target=f"report:{report_id}",
        unit_code=report.unit_code,
        client=client,
        detail={"rating": rating},
        at=at,
    )
    session.flush()
    return RatingOutcome(stored=True)
