"""From incident changes to pending deliveries: who is told, and escalation when nobody acts."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.config.incidents import IncidentSettings
from ioc.file_links import FileLinks
from ioc.incidents.audit import record
from ioc.incidents.escalation import next_alarm
from ioc.notify.dispatch import queue_deliveries
from ioc.notify.message import build_alert
from ioc.notify.subscriptions import matching
from ioc.store.models import Incident

log = logging.getLogger(__name__)


@dataclass
class Outbox:
    """Notifications decided in one transaction: (incident id, level, reason)."""

    items: list[tuple[int, int, str]] = field(default_factory=list)

    def add(self, incident_id: int, level: int, reason: str = "alert") -> None:
        self.items.append((incident_id, level, reason))


def queue_outbox(
    session: Session, outbox: Outbox, public_url: str, signer: FileLinks | None = None
) -> list[int]:
    """Pending delivery rows for everything in the outbox; their ids (links under
    ``public_url``, the settings' ``public_base_url``; snapshot links signed by ``signer``
    when given)."""
    delivery_ids: list[int] = []
    for incident_id, level, reason in outbox.items:
        incident = session.get(Incident, incident_id)
        if incident is None:
            continue
        subs = list(matching(session, incident.unit_code, incident.kind, incident.severity, level))
        if not subs:
            log.info("incident %s: nobody subscribed at level %d", incident_id, level)
            continue
        alert = build_alert(incident, public_url, level, reason, signer)
        delivery_ids += queue_deliveries(session, alert, subs)
    outbox.items.clear()
    return delivery_ids


def escalate_due(session: Session, cfg: IncidentSettings, now: datetime, outbox: Outbox) -> int:
    """Escalate or remind every unacknowledged incident whose clock ran out."""
    due = session.scalars(
        select(Incident)
        .where(Incident.status == "new", Incident.next_alert_at <= now)
        .order_by(Incident.next_alert_at)
        .limit(100)
    ).all()
    for incident in due:
        alarm = next_alarm(incident.escalation_level or 0, incident.severity, now, cfg)
        levels = [alarm.level] if alarm.reason == "escalation" else range(alarm.level + 1)
        for level in levels:
            outbox.add(incident.id, level, alarm.reason)
        incident.escalation_level = alarm.level
        incident.next_alert_at = alarm.next_at
        action = "escalated" if alarm.reason == "escalation" else "reminded"
        record(session, incident, action, now, detail={"level": alarm.level})
    return len(due)
