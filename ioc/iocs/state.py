"""The state of each IOC of the network: when its area last sent anything, how many
incidents are open and how many citizen reports are past their deadline.

"Last data received" is the newest of: a camera's heartbeat, a citizen report, an
incident's change and a dossier received, among the things located in the IOC's area
(its scope, :func:`ioc.auth.scope.unit_scope` of ``ioc:<code>``). None when the area has
sent nothing yet — shown as "chưa có số liệu", never as a time or a zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ioc.aggregates import feeds
from ioc.auth.scope import unit_scope
from ioc.iocs.registry import IocInfo
from ioc.store.models import Camera, CitizenReport, Dossier, Incident
from ioc.store.units import ioc_key


@dataclass(frozen=True)
class IocState:
    """One IOC as the network list shows it."""

    ioc: IocInfo
    last_data_at: datetime | None
    open_incidents: int
    overdue_reports: int


def last_data_at(session: Session, codes: frozenset[str]) -> datetime | None:
    """The newest thing received from units ``codes`` (None: nothing yet)."""
    if not codes:
        return None
    inside = sorted(codes)
    stamps = [
        session.scalar(
            select(func.max(Camera.last_heartbeat_at)).where(Camera.unit_code.in_(inside))
        ),
        session.scalar(
            select(func.max(CitizenReport.created_at)).where(CitizenReport.unit_code.in_(inside))
        ),
        session.scalar(select(func.max(Incident.updated_at)).where(Incident.unit_code.in_(inside))),
        session.scalar(select(func.max(Dossier.received_at)).where(Dossier.unit_code.in_(inside))),
    ]
    found = [s for s in stamps if s is not None]
    return max(found) if found else None


def network_state(session: Session, iocs: Sequence[IocInfo], now: datetime) -> list[IocState]:
    """The state of every IOC in ``iocs``, in their order."""
    states = []
    for ioc in iocs:
        key = ioc_key(ioc.code)
        _open, overdue = feeds.count_open_reports(session, now, key)
        states.append(
            IocState(
                ioc,
                last_data_at(session, unit_scope(session, key)),
                feeds.open_incident_count(session, key),
                overdue,
            )
        )
    return states
