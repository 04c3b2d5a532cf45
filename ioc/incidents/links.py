"""Citizen reports that belong to a fire incident: a forest-category report under a
camera cone that saw smoke, close in time, joins the incident (in either order)."""

from __future__ import annotations

from datetime import datetime, timedelta

import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.config.incidents import IncidentSettings
from ioc.incidents.audit import record
from ioc.incidents.cameras import CameraIndex
from ioc.incidents.grouping import FIRE_KINDS
from ioc.incidents.lifecycle import OPEN_STATUSES
from ioc.store.models import CitizenReport, Incident
from ioc.store.models_incidents import IncidentMember

NEAR_DEG = 0.01  # ~1 km: a camera without a cone still takes reports right beside it


def covers(
    incident: Incident, member_cameras: set[str], cameras: CameraIndex, lon: float, lat: float
) -> bool:
    """Whether a point is in the view of the incident's cameras (or right beside it)."""
    point = shapely.Point(lon, lat)
    if any(cone.covers(point) for cone in cameras.cones_of(member_cameras)):
        return True
    if incident.lon is None or incident.lat is None:
        return False
    return abs(incident.lon - lon) <= NEAR_DEG and abs(incident.lat - lat) <= NEAR_DEG


def attach_report(
    session: Session, incident: Incident, report: CitizenReport, now: datetime
) -> None:
    session.add(
        IncidentMember(
            incident_id=incident.id,
            source="report",
            ref_id=report.id,
            observed_at=report.created_at,
        )
    )
    incident.member_count = (incident.member_count or 0) + 1
    incident.updated_at = now
    record(
        session,
        incident,
        "report_attached",
        now,
        detail={"report": report.id, "service_code": report.service_code},
    )


def _member_cameras(session: Session, incident_id: int) -> set[str]:
    rows = session.scalars(
        select(IncidentMember.camera_id).where(
            IncidentMember.incident_id == incident_id, IncidentMember.source == "detection"
        )
    )
    return {row for row in rows if row}


def process_report(
    session: Session,
    report: CitizenReport,
    cameras: CameraIndex,
    cfg: IncidentSettings,
    now: datetime,
) -> int | None:
    """Attach a new report to the newest open fire incident that sees its place."""
    if report.service_code not in cfg.report_codes:
        return None
    since = report.created_at - timedelta(seconds=cfg.report_window_s)
    incidents = session.scalars(
        select(Incident)
        .where(
            Incident.kind.in_(FIRE_KINDS),
            Incident.status.in_(OPEN_STATUSES),
            Incident.last_seen_at >= since,
        )
        .order_by(Incident.last_seen_at.desc())
    ).all()
    for incident in incidents:
        if covers(incident, _member_cameras(session, incident.id), cameras, report.lon, report.lat):
            attach_report(session, incident, report, now)
            return incident.id
    return None


def earlier_reports(
    session: Session, incident: Incident, cameras: CameraIndex, cfg: IncidentSettings, now: datetime
) -> int:
    """Attach reports made before a new fire incident opened (not yet in any incident)."""
    since = incident.opened_at - timedelta(seconds=cfg.report_window_s)
    taken = select(IncidentMember.ref_id).where(IncidentMember.source == "report")
    reports = session.scalars(
        select(CitizenReport).where(
            CitizenReport.service_code.in_(cfg.report_codes),
            CitizenReport.created_at >= since,
            CitizenReport.id.not_in(taken),
        )
    ).all()
    members = {incident.camera_id} if incident.camera_id else set()
    count = 0
    for report in reports:
        if covers(incident, members, cameras, report.lon, report.lat):
            attach_report(session, incident, report, now)
            count += 1
    return count
