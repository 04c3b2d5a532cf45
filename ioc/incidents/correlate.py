"""Camera detections into incidents: find candidates in the store, decide, write.

Candidates are incidents with a recent member from the same camera or a neighbour (an
indexed query), so the cost of one detection does not grow with the number of incidents.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.config.incidents import IncidentSettings
from ioc.incidents.audit import record
from ioc.incidents.cameras import CameraGeo, CameraIndex
from ioc.incidents.escalation import first_deadline
from ioc.incidents.geometry import crossing_point
from ioc.incidents.grouping import FIRE_KINDS, Candidate, Decision, Sighting, decide
from ioc.incidents.lifecycle import OPEN_STATUSES
from ioc.store.models import Detection, Incident
from ioc.store.models_incidents import IncidentMember

SEVERITY = {"fire": "critical", "smoke": "high"}
TITLE = {"fire": "Phát hiện lửa", "smoke": "Phát hiện khói"}


@dataclass(frozen=True)
class Outcome:
    """What a detection did: opened, joined or was folded into a false alarm."""

    incident_id: int
    verdict: str


def candidates(
    session: Session, sighting: Sighting, related: set[str], cooldown: timedelta
) -> list[Candidate]:
    rows = session.execute(
        select(IncidentMember.incident_id, IncidentMember.camera_id, IncidentMember.bbox, Incident)
        .join(Incident, Incident.id == IncidentMember.incident_id)
        .where(
            IncidentMember.source == "detection",
            IncidentMember.camera_id.in_(related),
            IncidentMember.observed_at >= sighting.at - cooldown,
            Incident.kind.in_(FIRE_KINDS),
        )
    ).all()
    boxes: dict[int, dict[str, list[tuple[float, ...] | None]]] = defaultdict(
        lambda: defaultdict(list)
    )
    incidents: dict[int, Incident] = {}
    for incident_id, camera_id, bbox, incident in rows:
        boxes[incident_id][camera_id or ""].append(tuple(bbox) if bbox else None)
        incidents[incident_id] = incident
    return [
        Candidate(
            incident_id=i,
            status=inc.status,
            last_seen_at=_reference_time(inc),
            boxes=dict(boxes[i]),
        )
        for i, inc in incidents.items()
    ]


def _reference_time(incident: Incident) -> datetime:
    """A false alarm's window runs from when it was marked; others from their last sighting."""
    seen = incident.last_seen_at or incident.opened_at
    if incident.status == "false_alarm" and incident.closed_at is not None:
        return max(seen, incident.closed_at)
    return seen


def process_detection(
    session: Session, det: Detection, cameras: CameraIndex, cfg: IncidentSettings, now: datetime
) -> Outcome | None:
    """Group one stored detection; None for a camera that is not registered."""
    camera = cameras.get(session, det.camera_id)
    if camera is None:
        return None
    sighting = Sighting(
        det.camera_id, det.kind, tuple(det.bbox) if det.bbox else None, det.observed_at
    )
    found = candidates(
        session, sighting, cameras.related(det.camera_id), timedelta(seconds=cfg.cooldown_s)
    )
    with_cones = [
        Candidate(
            c.incident_id,
            c.status,
            c.last_seen_at,
            c.boxes,
            cameras.cones_of(set(c.boxes) - {det.camera_id}),
        )
        for c in found
    ]
    decision = decide(
        sighting, camera.cone, with_cones, timedelta(seconds=cfg.cooldown_s), cfg.bbox_overlap
    )
    if decision.verdict == "new" or decision.incident_id is None:
        incident = open_incident(session, det, camera, cfg, now)
        return Outcome(incident.id, "new")
    return join(session, det, decision, cameras, now)


def open_incident(
    session: Session, det: Detection, camera: CameraGeo, cfg: IncidentSettings, now: datetime
) -> Incident:
    severity = SEVERITY.get(det.kind, "high")
    incident = Incident(
        kind=det.kind,
        severity=severity,
        status="new",
        title=f"{TITLE.get(det.kind, det.kind)}: {camera.name}",
        unit_code=camera.unit_code,
        camera_id=camera.id,
        lon=camera.lon,
        lat=camera.lat,
        geom=shapely.Point(camera.lon, camera.lat),
        opened_at=det.observed_at,
        updated_at=now,
        source_key=f"camera:{camera.id}",
        last_seen_at=det.observed_at,
        snapshot=det.snapshot,
        member_count=0,
        escalation_level=0,
        next_alert_at=first_deadline(now, severity, cfg),
        simulated=bool(det.simulated),
    )
    session.add(incident)
    session.flush()
    add_member(session, incident, det)
    record(session, incident, "opened", now, detail={"detection": det.id, "camera": camera.id})
    return incident


def add_member(session: Session, incident: Incident, det: Detection) -> None:
    session.add(
        IncidentMember(
            incident_id=incident.id,
            source="detection",
            ref_id=det.id,
            camera_id=det.camera_id,
            bbox=list(det.bbox) if det.bbox else None,
            observed_at=det.observed_at,
        )
    )
    incident.member_count = (incident.member_count or 0) + 1


def join(
    session: Session, det: Detection, decision: Decision, cameras: CameraIndex, now: datetime
) -> Outcome:
    incident = session.get(Incident, decision.incident_id)
    assert incident is not None
    add_member(session, incident, det)
    if decision.verdict == "suppress":
        return Outcome(incident.id, "suppress")
    incident.last_seen_at = max(incident.last_seen_at or det.observed_at, det.observed_at)
    incident.updated_at = now
    incident.snapshot = det.snapshot or incident.snapshot
    if det.kind == "fire" and incident.kind != "fire" and incident.status in OPEN_STATUSES:
        incident.kind, incident.severity = "fire", "critical"
        record(session, incident, "severity_raised", now, detail={"detection": det.id})
    _triangulate(session, incident, det, cameras, now)
    return Outcome(incident.id, "join")


def _triangulate(
    session: Session, incident: Incident, det: Detection, cameras: CameraIndex, now: datetime
) -> None:
    """A second camera's crossing cone moves the incident to where the cones meet."""
    if det.camera_id == incident.camera_id:
        return
    rows = session.scalars(
        select(IncidentMember.camera_id).where(
            IncidentMember.incident_id == incident.id, IncidentMember.source == "detection"
        )
    )
    member_cameras = {str(row) for row in rows if row}
    if len(member_cameras) < 2:
        return
    point = crossing_point(cameras.cones_of(member_cameras))
    if point is None or (incident.lon, incident.lat) == point:
        return
    incident.lon, incident.lat = point
    incident.geom = shapely.Point(*point)
    record(
        session,
        incident,
        "located",
        now,
        detail={"cameras": sorted(member_cameras), "lon": point[0], "lat": point[1]},
    )
