"""What the control-room pages read from the store: small, indexed, incremental queries.

Each feed has a *version* (a cheap aggregate such as ``max(updated_at)`` and a count) so
a page asks "did anything change since my last look?" before it reads rows; the rows
themselves are bounded (newest first, ``limit``) or aggregated in SQL (report cells), so a
province-year of data never reaches the browser row by row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Float, and_, cast, func, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ioc.aggregates.reports import Cell, ReportPoint, shared_counts, shared_layer
from ioc.auth.scope import unit_scope
from ioc.store.models import Camera, CitizenReport, Detection, Incident, SensorReading

OPEN_INCIDENT = ("new", "acknowledged", "dispatched")  # not resolved / false_alarm
CLOSED_REPORT = ("resolved", "rejected", "duplicate")
REPORT_DAYS = 30  # the map shows the last month's reports and every one still open
SENSOR_HOURS = 24
FUTURE_SLACK = timedelta(days=1)
SNAPSHOT_DAYS = 90  # newest snapshot looked for this far back when files are kept forever
MAX_REPORT_POINTS = 3000
CELL_DEG = 0.02


@dataclass(frozen=True)
class IncidentItem:
    """An open incident as the map, the queue and the ticker show it."""

    id: int
    kind: str
    severity: str
    status: str
    title: str
    unit_code: str | None
    lon: float | None
    lat: float | None
    opened_at: datetime
    simulated: bool = False  # made by the demo's simulator


@dataclass(frozen=True)
class StationReading:
    """The latest reading of one sensor station."""

    station_id: str
    quantity: str
    value: float
    unit: str
    lon: float
    lat: float
    observed_at: datetime


def _stamp(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _in_unit(session: Session, column: Any, unit_code: str | None) -> list[ColumnElement[bool]]:
    """Rows of the unit and of the units below it or that replaced it (a former district
    such as Đà Lạt, 672, holds what is now stamped with its 2025 wards); none: the province."""
    if unit_code is None:
        return []
    codes = unit_scope(session, unit_code)  # an IOC's key (``ioc:<code>``): its area's
    return [column == next(iter(codes))] if len(codes) == 1 else [column.in_(sorted(codes))]


def incidents_version(session: Session, unit_code: str | None = None) -> str:
    """Changes whenever an incident is opened, updated or closed (incidents are never
    deleted, so the newest change and the newest id say it: two index look-ups)."""
    row = session.execute(
        select(func.max(Incident.updated_at), func.max(Incident.id)).where(
            *_in_unit(session, Incident.unit_code, unit_code)
        )
    ).one()
    return f"{_stamp(row[0])}|{row[1]}"


def open_incidents(
    session: Session, unit_code: str | None = None, limit: int = 50
) -> list[IncidentItem]:
    """Open incidents, newest first, at most ``limit``."""
    rows = session.scalars(
        select(Incident)
        .where(
            Incident.status.in_(OPEN_INCIDENT), *_in_unit(session, Incident.unit_code, unit_code)
        )
        .order_by(Incident.opened_at.desc(), Incident.id.desc())
        .limit(limit)
    ).all()
    return [
        IncidentItem(
            r.id,
            r.kind,
            r.severity,
            r.status,
            r.title,
            r.unit_code,
            r.lon,
            r.lat,
            r.opened_at,
            bool(r.simulated),
        )
        for r in rows
    ]


def open_incident_count(session: Session, unit_code: str | None = None) -> int:
    query = select(func.count(Incident.id)).where(
        Incident.status.in_(OPEN_INCIDENT), *_in_unit(session, Incident.unit_code, unit_code)
    )
    return int(session.scalar(query) or 0)


def reports_version(session: Session, unit_code: str | None = None) -> str:
    """Changes whenever a report is filed (newest id: imports may carry old times) or
    updated (newest ``updated_at``). Reports are never deleted. Two index look-ups: a
    ``count`` here read every row of a province-year on every tick of every page."""
    row = session.execute(
        select(func.max(CitizenReport.updated_at), func.max(CitizenReport.id)).where(
            *_in_unit(session, CitizenReport.unit_code, unit_code)
        )
    ).one()
    return f"{_stamp(row[0])}|{row[1]}"


def _shown_reports(
    session: Session, now: datetime, unit_code: str | None
) -> list[ColumnElement[bool]]:
    recent = CitizenReport.created_at >= now - timedelta(days=REPORT_DAYS)
    still_open = CitizenReport.status.not_in(CLOSED_REPORT)
    return [or_(recent, still_open), *_in_unit(session, CitizenReport.unit_code, unit_code)]


def report_counts(
    session: Session, now: datetime, unit_code: str | None = None, version: str | None = None
) -> tuple[int, int]:
    """(open reports, open reports past their result deadline).

    With the reports ``version`` (see :func:`reports_version`) the counts are the shared
    aggregate of that version (:mod:`ioc.aggregates.reports`): counted once for every
    process, then again when a report changes or after a minute.
    """
    if version is None:
        return count_open_reports(session, now, unit_code)
    return shared_counts(
        session, now, unit_code, version, lambda: count_open_reports(session, now, unit_code)
    )


def count_open_reports(
    session: Session, now: datetime, unit_code: str | None = None
) -> tuple[int, int]:
    """:func:`report_counts` counted in the database now."""
    late = and_(CitizenReport.result_due_at.is_not(None), CitizenReport.result_due_at < now)
    row = session.execute(
        select(func.count(CitizenReport.id), func.count(CitizenReport.id).filter(late)).where(
            CitizenReport.status.not_in(CLOSED_REPORT),
            *_in_unit(session, CitizenReport.unit_code, unit_code),
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def report_layer(
    session: Session, now: datetime, unit_code: str | None = None, version: str | None = None
) -> list[ReportPoint] | list[Cell]:
    """Report points, or grid cells counted in SQL once there are too many points.

    With the reports ``version`` (see :func:`reports_version`) the layer is the shared
    aggregate of that version and day (:mod:`ioc.aggregates.reports`): every page, thread,
    worker and host asking for an unchanged layer gets it without binning the reports again.
    """
    if version is None:
        return _report_layer(session, now, unit_code)
    return shared_layer(
        session, now, unit_code, version, lambda: _report_layer(session, now, unit_code)
    )


def _report_layer(
    session: Session, now: datetime, unit_code: str | None
) -> list[ReportPoint] | list[Cell]:
    where = _shown_reports(session, now, unit_code)
    cells = report_cells(session, where)  # one pass: the cells are also the count
    if sum(cell.count for cell in cells) > MAX_REPORT_POINTS:
        return cells
    late = and_(CitizenReport.result_due_at.is_not(None), CitizenReport.result_due_at < now)
    rows = session.execute(
        select(
            CitizenReport.id,
            CitizenReport.lon,
            CitizenReport.lat,
            CitizenReport.status,
            CitizenReport.service_code,
            CitizenReport.overdue,
            late,
        )
        .where(*where)
        .order_by(CitizenReport.id)
    ).all()
    return [
        ReportPoint(r[0], r[1], r[2], r[3], r[4], bool(r[5]) or (bool(r[6]) and is_open(r[3])))
        for r in rows
    ]


def is_open(status: str) -> bool:
    return status not in CLOSED_REPORT


def report_cells(session: Session, where: Sequence[ColumnElement[bool]]) -> list[Cell]:
    """Reports binned into ``CELL_DEG`` squares by the database."""
    x = func.floor(CitizenReport.lon / CELL_DEG)
    y = func.floor(CitizenReport.lat / CELL_DEG)
    still_open = CitizenReport.status.not_in(CLOSED_REPORT)
    rows = session.execute(
        select(x, y, func.count(CitizenReport.id), func.count(CitizenReport.id).filter(still_open))
        .where(*where)
        .group_by(x, y)
        .order_by(x, y)
    ).all()
    return [
        Cell((float(a) + 0.5) * CELL_DEG, (float(b) + 0.5) * CELL_DEG, int(n), int(o))
        for a, b, n, o in rows
    ]


def time_window(column: Any, since: datetime, now: datetime) -> ColumnElement[bool]:
    """``since <= column < now + a day``: bounded on both sides, so PostgreSQL reads only the
    partitions of those days (neither the months made ahead nor the default partition).
    The day of slack keeps readings from clocks a little ahead of ours."""
    return and_(column >= since, column < now + FUTURE_SLACK)


def _recent_readings(now: datetime) -> ColumnElement[bool]:
    """The sensor layer's window."""
    return time_window(SensorReading.observed_at, now - timedelta(hours=SENSOR_HOURS), now)


def sensors_version(session: Session, now: datetime) -> str:
    """The newest reading id of the sensor layer's window (the partitions of today)."""
    query = select(func.max(SensorReading.id)).where(_recent_readings(now))
    return str(session.scalar(query) or 0)


def latest_readings(session: Session, now: datetime) -> list[StationReading]:
    """The newest reading of each station heard in the last day (with a position).

    Both the inner and the outer query bound ``observed_at``, so PostgreSQL reads only the
    last day's partitions (an ``id IN (...)`` alone would probe every month's).
    """
    recent = _recent_readings(now)
    newest = (
        select(func.max(SensorReading.id))
        .where(recent, SensorReading.lon.is_not(None))
        .group_by(SensorReading.station_id)
    )
    rows = session.scalars(
        select(SensorReading)
        .where(SensorReading.id.in_(newest), recent)
        .order_by(SensorReading.station_id)
    ).all()
    return [
        StationReading(
            r.station_id, r.quantity, r.value, r.unit, r.lon or 0.0, r.lat or 0.0, r.observed_at
        )
        for r in rows
    ]


def cameras_per_unit(session: Session) -> dict[str, float]:
    rows = session.execute(
        select(Camera.unit_code, cast(func.count(Camera.id), Float)).group_by(Camera.unit_code)
    ).all()
    return {code: float(count) for code, count in rows if code}


def latest_snapshots(
    session: Session, camera_ids: Sequence[str], now: datetime, since: datetime
) -> dict[str, str]:
    """Each camera's newest detection snapshot since ``since`` (a path relative to
    ``var_dir``).

    One correlated ``ORDER BY id DESC LIMIT 1`` per camera walks the (camera, id) index
    backwards and stops at the first row with a snapshot, instead of grouping every
    detection of the window; the time window keeps PostgreSQL to the recent partitions.
    """
    if not camera_ids:
        return {}
    newest = (
        select(Detection.snapshot)
        .where(
            Detection.camera_id == Camera.id,
            Detection.snapshot.is_not(None),
            time_window(Detection.observed_at, since, now),
        )
        .order_by(Detection.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(select(Camera.id, newest).where(Camera.id.in_(camera_ids))).all()
    return {camera: path for camera, path in rows if path}


@dataclass(frozen=True)
class ReportItem:
    """An open citizen report with its two deadlines (on site, result)."""

    id: int
    service_code: str
    status: str
    address: str
    created_at: datetime
    onsite_due_at: datetime | None
    result_due_at: datetime | None
    first_response_at: datetime | None


def open_reports(session: Session, unit_code: str, limit: int = 8) -> list[ReportItem]:
    """A unit's open reports, the most urgent result deadline first."""
    due = CitizenReport.result_due_at
    rows = session.scalars(
        select(CitizenReport)
        .where(
            *_in_unit(session, CitizenReport.unit_code, unit_code),
            CitizenReport.status.not_in(CLOSED_REPORT),
        )
        .order_by(due.is_(None), due, CitizenReport.id)
        .limit(limit)
    ).all()
    return [
        ReportItem(
            r.id,
            r.service_code,
            r.status,
            r.address or r.description[:80],
            r.created_at,
            r.onsite_due_at,
            r.result_due_at,
            r.first_response_at,
        )
        for r in rows
    ]


def category_names(session: Session, lang: str) -> dict[str, str]:
    """Report category names, or nothing when the categories table is not there."""
    try:
        from ioc.store.models_reports import ReportCategory

        column = ReportCategory.name_en if lang == "en" else ReportCategory.name_vi
        with session.begin_nested():
            rows = session.execute(select(ReportCategory.code, column)).all()
    except (ImportError, SQLAlchemyError):
        return {}
    return {code: name for code, name in rows}
