"""Citizens' ratings of closed reports (``ioc/v1/report/<app>/rating``) into the store.

Each goes through :func:`ioc.reports.rating.rate_report`, as the Open311 extension does: a
redelivered message (or the same rating sent again) is a repeat, a rating of an open,
unknown or differently rated report is refused and dead-lettered as ``rating_refused``.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from ioc.ingest.messages import Record, Rejected, ReportRating
from ioc.mqtt.inbound import InboundMessage
from ioc.reports.rating import rate_report


def apply_ratings(
    session: Session, items: Sequence[tuple[InboundMessage, Record]]
) -> tuple[int, list[tuple[InboundMessage, Rejected]]]:
    """Apply the ratings among ``items`` in order; returns (repeats, refused)."""
    repeats, refused = 0, list[tuple[InboundMessage, Rejected]]()
    for message, record in items:
        if not isinstance(record, ReportRating):
            continue
        outcome = rate_report(
            session,
            record.report_id,
            record.rating,
            actor=f"mqtt:{record.source}",
            at=record.at,
            client=f"mqtt:{record.msg_id}",
        )
        if outcome.repeat:
            repeats += 1
        elif outcome.error:
            refused.append((message, Rejected("rating_refused", outcome.error)))
    return repeats, refused
