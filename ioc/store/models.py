"""The store's tables, the same on PostGIS and SQLite.

Times are stored in UTC (timezone-aware on PostgreSQL, naive-UTC on SQLite). Every spatial
row also keeps plain lon/lat or bbox columns so SQLite can pre-filter without an extension.
Administrative units carry validity dates: a code may exist in several eras.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Final

import shapely
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ioc.store.types import Geom, UtcDateTime


class Base(DeclarativeBase):
    """Declarative base of every IOC table."""


class AdminUnit(Base):
    """A province, district or commune/ward, valid between two dates."""

    __tablename__ = "admin_units"
    __table_args__ = (
        UniqueConstraint("code", "valid_from", name="uq_admin_units_code_valid_from"),
        Index("ix_admin_units_validity", "valid_from", "valid_to"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16))  # province | district | commune
    unit_type: Mapped[str] = mapped_column(String(40), default="")
    parent_code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    center_lon: Mapped[float] = mapped_column(Float)
    center_lat: Mapped[float] = mapped_column(Float)
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(300), default="")
    geom: Mapped[shapely.Geometry] = mapped_column(Geom("MULTIPOLYGON"))


class IocUnit(Base):
    """An operations centre (IOC) attached to one administrative unit (or a department).

    ``admin_unit_code`` is the unit the IOC was built for (a former district for a district
    IOC); its *area* is the set of current units listed in ``ioc_area_units`` (codes of any
    era, resolved to today's units through the units' lineage, :mod:`ioc.auth.scope`).
    ``owner`` is a unit code or a department's name; ``source`` names the public report or
    act the row comes from (title, outlet, date); ``ioc iocs import`` refuses a row without.
    """

    __tablename__ = "ioc_units"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    admin_unit_code: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), default="unit")  # province | unit | department
    opened_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    name_en: Mapped[str] = mapped_column(String(200), default="")  # schema 0023
    owner: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")


class IocAreaUnit(Base):
    """One unit code of an IOC's area, as entered (resolved to current units when read)."""

    __tablename__ = "ioc_area_units"

    ioc_code: Mapped[str] = mapped_column(
        String(32), ForeignKey("ioc_units.code", ondelete="CASCADE"), primary_key=True
    )
    unit_code: Mapped[str] = mapped_column(String(16), primary_key=True)


class Camera(Base):
    """A forest-watch or city camera; its live state is kept on the row."""

    __tablename__ = "cameras"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    unit_code: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    geom: Mapped[shapely.Geometry] = mapped_column(Geom("POINT"))
    height_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    direction_deg: Mapped[float | None] = mapped_column(Float, nullable=True)
    fov_deg: Mapped[float | None] = mapped_column(Float, nullable=True)
    stream_url: Mapped[str] = mapped_column(Text, default="")
    analysis_fps: Mapped[float | None] = mapped_column(Float, nullable=True)
    masks: Mapped[list[list[list[float]]] | None] = mapped_column(JSON, nullable=True)
    horizon: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    last_heartbeat_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_detection_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_detection_simulated: Mapped[bool] = mapped_column(Boolean, server_default=false())
    health: Mapped[str] = mapped_column(String(16), default="unknown")
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)


MESSAGE_KEY: Final = ("msg_id", "observed_at")
"""What makes a detection or reading row unique, on both backends (migration 0010).

PostgreSQL wants the partition key in every unique constraint of a partitioned table, so
the key is the message id *with* its time. Exactly-once storage still holds: a message the
broker delivers again is the same bytes, so it carries the same ``ts`` and maps to the same
pair. Only a device re-using one msg_id for a different observation time would now get
two rows (docs/mqtt.md asks devices to re-send the same payload).
"""


class Detection(Base):
    """One smoke or fire detection reported by a camera.

    On PostGIS the table is range-partitioned by month on ``observed_at`` (see
    :mod:`ioc.store.partitions`) and its primary key is ``(id, observed_at)``; ``id`` still
    comes from one sequence, so it stays unique and the ORM keys rows on it alone.
    """

    __tablename__ = "detections"
    __table_args__ = (UniqueConstraint(*MESSAGE_KEY, name="uq_detections_msg_id_observed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    msg_id: Mapped[str] = mapped_column(String(64))
    camera_id: Mapped[str] = mapped_column(ForeignKey("cameras.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # smoke | fire
    score: Mapped[float] = mapped_column(Float)
    bbox: Mapped[list[float] | None] = mapped_column(JSON, nullable=True)
    snapshot: Mapped[str | None] = mapped_column(Text, nullable=True)
    clip: Mapped[str | None] = mapped_column(Text, nullable=True)
    observed_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    simulated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class SensorReading(Base):
    """One environmental reading (rain, water level, PM2.5...) from a station.

    Partitioned like :class:`Detection` on PostGIS; ``msg_id`` is ``<message id>#<index>``.
    """

    __tablename__ = "sensor_readings"
    __table_args__ = (UniqueConstraint(*MESSAGE_KEY, name="uq_sensor_readings_msg_id_observed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    msg_id: Mapped[str] = mapped_column(String(80))
    station_id: Mapped[str] = mapped_column(String(64), index=True)
    quantity: Mapped[str] = mapped_column(String(32))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16), default="")
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    observed_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    stored_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class CitizenReport(Base):
    """A citizen's field report (phản ánh hiện trường)."""

    __tablename__ = "citizen_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    service_code: Mapped[str] = mapped_column(String(40), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="received", index=True)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    geom: Mapped[shapely.Geometry] = mapped_column(Geom("POINT"))
    unit_code: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Added by migration 0004 (citizen reports): routing, SLA clock, rating, media.
    address: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(40), default="open311")
    agency: Mapped[str] = mapped_column(String(200), default="")
    media_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    attributes: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    onsite_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    result_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    first_response_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    escalated_to: Mapped[str | None] = mapped_column(String(16), nullable=True)
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    duplicate_of: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status_notes: Mapped[str] = mapped_column(Text, default="")
    # Added by migration 0018: the unit is the nearest one, no unit contained the point.
    unit_nearest: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Dossier(Base):
    """An administrative-procedure dossier (hồ sơ TTHC) from the one-stop system."""

    __tablename__ = "dossiers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(String(64), unique=True)
    procedure_code: Mapped[str] = mapped_column(String(64))
    procedure_level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    unit_code: Mapped[str] = mapped_column(String(16), index=True)
    channel: Mapped[str] = mapped_column(String(16), default="in_person")
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)
    paid_online: Mapped[bool] = mapped_column(Boolean, default=False)
    digitised: Mapped[bool] = mapped_column(Boolean, default=False)
    e_result: Mapped[bool] = mapped_column(Boolean, default=False)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Schema 0005 (KPIs of Decision 766): see docs/kpi.md for what each column feeds.
    procedure_name: Mapped[str] = mapped_column(String(300), default="")
    result_digitised: Mapped[bool] = mapped_column(Boolean, default=False)
    fee_required: Mapped[bool] = mapped_column(Boolean, default=False)
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    event_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class Incident(Base):
    """One incident gathering detections, reports and readings that belong together."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16), default="medium")
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    unit_code: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    camera_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    geom: Mapped[shapely.Geometry | None] = mapped_column(Geom("POINT"), nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Schema 0007 (incidents worker): grouping, lifecycle and escalation state.
    source_key: Mapped[str | None] = mapped_column(String(120), nullable=True, index=True)
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    snapshot: Mapped[str | None] = mapped_column(Text, nullable=True)
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    assignee: Mapped[str | None] = mapped_column(String(120), nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    next_alert_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)
    simulated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class DeadLetter(Base):
    """A message that could not be used: its reason and (a capped copy of) its bytes."""

    __tablename__ = "dead_letters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(32), default="mqtt")
    topic: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    payload_size: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class WorkerStat(Base):
    """The latest counters of one worker process (ingest, cameras), for /metrics."""

    __tablename__ = "worker_stats"

    worker_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    role: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    counters: Mapped[dict[str, float]] = mapped_column(JSON)
