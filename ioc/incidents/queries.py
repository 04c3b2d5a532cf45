"""Read side of incidents: open ones of a unit, one incident's story, false alarms per camera."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, select
from sqlalchemy.orm import Session

from ioc.incidents.lifecycle import OPEN_STATUSES
from ioc.store.models import Incident
from ioc.store.models_incidents import IncidentMember

SEVERITY_ORDER = case(
    {"critical": 0, "high": 1, "medium": 2, "low": 3}, value=Incident.severity, else_=4
)


def open_incidents(
    session: Session,
    unit_code: str | None,
    province_code: str,
    limit: int = 50,
    where: Sequence[ColumnElement[bool]] = (),
) -> Sequence[Incident]:
    """Open incidents of a unit (all of them for the province or no unit), worst first;
    ``where`` narrows them further (a reader's scope)."""
    query = select(Incident).where(Incident.status.in_(OPEN_STATUSES), *where)
    if unit_code and unit_code != province_code:
        query = query.where(Incident.unit_code == unit_code)
    return session.scalars(
        query.order_by(SEVERITY_ORDER, Incident.opened_at.desc()).limit(limit)
    ).all()


def version_of(incidents: Sequence[Incident]) -> str:
    """A short text that changes whenever the list a page shows would change."""
    return "|".join(
        f"{i.id}:{i.status}:{i.updated_at.isoformat()}:{i.member_count}" for i in incidents
    )


@dataclass(frozen=True)
class FalseAlarmRow:
    """False alarms of one camera and the boxes (regions) that fooled it."""

    camera_id: str
    false_alarms: int
    detections: int
    boxes: list[list[float]]


def false_alarm_report(session: Session) -> list[FalseAlarmRow]:
    """Per camera: incidents marked false alarm, their detections and boxes (for masks)."""
    rows = session.execute(
        select(IncidentMember.camera_id, Incident.id, IncidentMember.bbox)
        .join(Incident, Incident.id == IncidentMember.incident_id)
        .where(Incident.status == "false_alarm", IncidentMember.source == "detection")
        .order_by(IncidentMember.camera_id, Incident.id)
    ).all()
    by_camera: dict[str, tuple[set[int], list[list[float]]]] = {}
    for camera_id, incident_id, bbox in rows:
        incidents, boxes = by_camera.setdefault(str(camera_id), (set(), []))
        incidents.add(incident_id)
        if bbox:
            boxes.append([float(v) for v in bbox])
    return sorted(
        (
            FalseAlarmRow(cam, len(ids), len(boxes), boxes)
            for cam, (ids, boxes) in by_camera.items()
        ),
        key=lambda row: (-row.false_alarms, row.camera_id),
    )
