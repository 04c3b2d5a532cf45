"""Sensor readings over a rule's threshold into incidents (one open per station and rule)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.config.incidents import IncidentSettings
from ioc.incidents.audit import record
from ioc.incidents.escalation import first_deadline
from ioc.incidents.lifecycle import OPEN_STATUSES
from ioc.incidents.rules import ThresholdRule, sustained
from ioc.store import Store
from ioc.store.models import Incident, SensorReading
from ioc.store.models_incidents import IncidentMember
from ioc.store.units import LEVEL_RANK

HISTORY_SLACK = timedelta(minutes=5)  # readings before the window, to see where it started


def history(
    session: Session, reading: SensorReading, rule: ThresholdRule
) -> list[tuple[datetime, float]]:
    """The station's readings of the rule's quantity over the window (and a little before)."""
    since = reading.observed_at - rule.window - HISTORY_SLACK
    rows = session.execute(
        select(SensorReading.observed_at, SensorReading.value).where(
            SensorReading.station_id == reading.station_id,
            SensorReading.quantity == reading.quantity,
            SensorReading.observed_at >= since,
            SensorReading.observed_at <= reading.observed_at,
        )
    ).all()
    return [(at, value) for at, value in rows]


def unit_of(
    store: Store, session: Session, lon: float | None, lat: float | None, at: datetime
) -> str | None:
    """The most specific unit containing the point today, or None."""
    if lon is None or lat is None:
        return None
    units = store.backend.units_containing(session, lon, lat, at.date())
    if not units:
        return None
    return max(units, key=lambda unit: LEVEL_RANK.get(unit.level, 0)).code


def process_reading(
    session: Session,
    store: Store,
    reading: SensorReading,
    *,
    rules: Sequence[ThresholdRule],
    cfg: IncidentSettings,
    now: datetime,
) -> list[tuple[int, bool]]:
    """Open or extend incidents for every rule the reading breaks: (id, opened now)."""
    touched = []
    for rule in rules:
        if rule.quantity != reading.quantity or reading.value <= rule.above:
            continue
        if rule.for_minutes > 0 and not sustained(
            rule, history(session, reading, rule), reading.observed_at
        ):
            continue
        incident = _open_for(session, reading, rule)
        opened = incident is None
        if incident is None:
            incident = _open(session, store, reading, rule=rule, cfg=cfg, now=now)
        else:
            incident.last_seen_at = reading.observed_at
            incident.updated_at = now
        _member(session, incident, reading)
        touched.append((incident.id, opened))
    return touched


def _open_for(session: Session, reading: SensorReading, rule: ThresholdRule) -> Incident | None:
    return session.scalars(
        select(Incident)
        .where(
            Incident.source_key == f"station:{reading.station_id}:{rule.name}",
            Incident.status.in_(OPEN_STATUSES),
        )
        .limit(1)
    ).first()


def _open(
    session: Session,
    store: Store,
    reading: SensorReading,
    *,
    rule: ThresholdRule,
    cfg: IncidentSettings,
    now: datetime,
) -> Incident:
    incident = Incident(
        kind=rule.kind,
        severity=rule.severity,
        status="new",
        title=f"{rule.title_vi}: trạm {reading.station_id} ({reading.value:g} {reading.unit})",
        unit_code=unit_of(store, session, reading.lon, reading.lat, reading.observed_at),
        lon=reading.lon,
        lat=reading.lat,
        geom=shapely.Point(reading.lon, reading.lat)
        if reading.lon is not None and reading.lat is not None
        else None,
        opened_at=reading.observed_at,
        updated_at=now,
        source_key=f"station:{reading.station_id}:{rule.name}",
        last_seen_at=reading.observed_at,
        member_count=0,
        escalation_level=0,
        next_alert_at=first_deadline(now, rule.severity, cfg),
    )
    session.add(incident)
    session.flush()
    record(
        session,
        incident,
        "opened",
        now,
        detail={"reading": reading.id, "rule": rule.name, "value": reading.value},
    )
    return incident


def _member(session: Session, incident: Incident, reading: SensorReading) -> None:
    session.add(
        IncidentMember(
            incident_id=incident.id,
            source="reading",
            ref_id=reading.id,
            observed_at=reading.observed_at,
        )
    )
    incident.member_count = (incident.member_count or 0) + 1
