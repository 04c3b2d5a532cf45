"""Violation cases in the store: open one from its origin, record its steps in order.

A case is opened from exactly one origin (a reviewed change candidate whose verdict found a
construction or a clearing, a citizen report, or an incident), at most one case per origin.
Its place is the origin's point (a camera's candidate: the camera's position, until the
inspection says more) and its unit is resolved from that point with the store's unit lookup
(:func:`ioc.store.units.place_in`). Evidence pictures are the candidate's before/after pair
or the incident's snapshot; a citizen report's photo and words are not copied (the case
keeps only the link). Every change is a row of the audit log in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.audit import log as audit_log
from ioc.store.models import Camera, CitizenReport, Incident
from ioc.store.models_violations import CaseStep, ChangeCandidate, ViolationCase
from ioc.store.units import place_in
from ioc.timeutil import to_local
from ioc.violations.candidates import MAX_NOTE, NotFoundError
from ioc.violations.steps import (
    CASE_VERDICTS,
    CLOSING_STEP,
    KINDS,
    OPENED,
    ORIGINS,
    StepEntry,
    StepError,
    check_step,
)

ORIGIN_COLUMNS = {
    "candidate": ViolationCase.candidate_id,
    "report": ViolationCase.report_id,
    "incident": ViolationCase.incident_id,
}


def existing_case(session: Session, origin: str, origin_id: int) -> int | None:
    """The id of the case opened from this origin, if any."""
    found = session.scalar(select(ViolationCase.id).where(ORIGIN_COLUMNS[origin] == origin_id))
    return None if found is None else int(found)


def origin_place(
    session: Session, origin: str, origin_id: int
) -> tuple[float, float, str | None, list[str]]:
    """(lon, lat, the origin's own unit, evidence paths) of an origin that may open a case;
    raises :class:`NotFoundError` or :class:`StepError` (``not_a_violation``, ``no_place``)."""
    if origin == "candidate":
        candidate = session.get(ChangeCandidate, origin_id)
        if candidate is None:
            raise NotFoundError(f"no change candidate {origin_id}")
        if candidate.state != "reviewed" or candidate.verdict not in CASE_VERDICTS:
            raise StepError(
                "not_a_violation",
                "only a candidate reviewed as a new construction or a forest clearing opens a case",
            )
        camera = session.get(Camera, candidate.camera_id)
        if camera is None:
            raise StepError("no_place", f"camera {candidate.camera_id} is not in the registry")
        pictures = [candidate.before_path, candidate.after_path]
        return camera.lon, camera.lat, candidate.unit_code, pictures
    if origin == "report":
        report = session.get(CitizenReport, origin_id)
        if report is None:
            raise NotFoundError(f"no citizen report {origin_id}")
        return report.lon, report.lat, report.unit_code, []  # the link only: no citizen data
    incident = session.get(Incident, origin_id)
    if incident is None:
        raise NotFoundError(f"no incident {origin_id}")
    lon, lat = incident.lon, incident.lat
    if (lon is None or lat is None) and incident.camera_id:
        camera = session.get(Camera, incident.camera_id)
        lon, lat = (camera.lon, camera.lat) if camera else (None, None)
    if lon is None or lat is None:
        raise StepError("no_place", f"incident {origin_id} has no place")
    return lon, lat, incident.unit_code, [incident.snapshot] if incident.snapshot else []


def origin_unit(session: Session, origin: str, origin_id: int) -> str | None:
    """The unit of the origin itself (whose scope decides who may open a case from it);
    raises :class:`NotFoundError` when there is no such origin."""
    models: dict[str, Any] = {
        "candidate": ChangeCandidate,
        "report": CitizenReport,
        "incident": Incident,
    }
    row = session.get(models[origin], origin_id)
    if row is None:
        raise NotFoundError(f"no {origin} {origin_id}")
    return cast("str | None", row.unit_code)


def case_unit(session: Session, lon: float, lat: float, at: datetime) -> tuple[str | None, bool]:
    """The unit a case at the point gets on ``at`` and whether it is only the nearest."""
    placed = place_in(session, lon, lat, to_local(at).date())
    return (placed.unit.code, placed.nearest) if placed is not None else (None, False)


def open_case(
    session: Session,
    *,
    origin: str,
    origin_id: int,
    kind: str,
    actor: str,
    at: datetime,
    note: str = "",
    client: str = "",
    simulated: bool = False,
) -> ViolationCase:
    """Open a case from ``origin`` (``candidate``, ``report`` or ``incident``) ``origin_id``."""
    if origin not in ORIGINS:
        raise StepError("unknown_origin", f"unknown origin {origin!r}")
    if kind not in KINDS:
        raise StepError("unknown_kind", f"unknown case kind {kind!r}")
    lon, lat, own_unit, evidence = origin_place(session, origin, origin_id)
    already = existing_case(session, origin, origin_id)
    if already is not None:
        raise StepError("has_case", f"{origin} {origin_id} already led to case {already}")
    unit, nearest = case_unit(session, lon, lat, at)
    unit = unit or own_unit
    row = ViolationCase(
        kind=kind,
        lon=lon,
        lat=lat,
        geom=shapely.Point(lon, lat),
        unit_code=unit,
        unit_nearest=nearest,
        origin=origin,
        evidence=evidence,
        step=OPENED,
        note=note.strip()[:MAX_NOTE],
        opened_by=actor,
        opened_at=at,
        updated_at=at,
        simulated=simulated,
    )
    setattr(row, ORIGIN_COLUMNS[origin].key, origin_id)
    session.add(row)
    session.flush()
    audit_log.append(
        session,
        "case.open",
        actor=actor,
        target=f"case:{row.id}",
        unit_code=unit,
        client=client,
        detail={
            "to": OPENED,
            "kind": kind,
            "origin": origin,
            "origin_id": origin_id,
            "simulated": simulated,
        },
        at=at,
    )
    return row


def add_step(
    session: Session,
    case_id: int,
    entry: StepEntry,
    *,
    actor: str,
    at: datetime,
    client: str = "",
) -> CaseStep:
    """Record the case's next step (raises :class:`StepError` out of order or incomplete)."""
    case = session.get(ViolationCase, case_id, with_for_update=True)
    if case is None:
        raise NotFoundError(f"no case {case_id}")
    last = session.scalar(
        select(CaseStep.done_on).where(CaseStep.case_id == case_id).order_by(CaseStep.id.desc())
    )
    check_step(case.step, last, entry, to_local(at).date())
    sanction = entry.step == "sanction_decided"
    step = CaseStep(
        case_id=case_id,
        step=entry.step,
        done_on=entry.done_on,
        officer=entry.officer.strip()[:120],
        document=entry.document.strip()[:200],
        decision_no=entry.decision_no.strip()[:64] if sanction else None,
        amount_vnd=entry.amount_vnd if sanction else None,
        note=entry.note.strip()[:MAX_NOTE],
        recorded_by=actor,
        recorded_at=at,
    )
    session.add(step)
    before = case.step
    case.step, case.updated_at = entry.step, at
    if entry.step == CLOSING_STEP:
        case.closed_at = at
    session.flush()
    audit_log.append(
        session,
        "case.step",
        actor=actor,
        target=f"case:{case_id}",
        unit_code=case.unit_code,
        client=client,
        detail={
            "from": before,
            "to": entry.step,
            "done_on": entry.done_on.isoformat(),
            "officer": step.officer,
            "document": step.document,
            "decision_no": step.decision_no,
            "amount_vnd": step.amount_vnd,
        },
        at=at,
    )
    return step
