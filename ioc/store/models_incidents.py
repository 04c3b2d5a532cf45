"""Tables of incidents and notifications: members, audit trail, subscriptions, deliveries.

The incident itself is :class:`ioc.store.models.Incident`. ``incident_events`` is
append-only: the migration adds triggers that refuse UPDATE and DELETE on both backends,
and the ORM refuses them too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Mapped, mapped_column

from ioc.store.models import Base
from ioc.store.types import UtcDateTime


class IncidentMember(Base):
    """One detection, reading or citizen report that belongs to an incident."""

    __tablename__ = "incident_members"
    __table_args__ = (
        UniqueConstraint("source", "ref_id", name="uq_incident_members_ref"),
        Index("ix_incident_members_camera", "camera_id", "observed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))  # detection | reading | report
    ref_id: Mapped[int] = mapped_column(Integer)
    camera_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    bbox: Mapped[list[float] | None] = mapped_column(JSON, nullable=True)
    observed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class IncidentEvent(Base):
    """One change of an incident: who, when, what, from which client (append-only)."""

    __tablename__ = "incident_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    photo: Mapped[str | None] = mapped_column(Text, nullable=True)
    client: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class NotificationSubscription(Base):
    """Who gets what: a channel target for a unit, category and minimum severity."""

    __tablename__ = "notification_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    unit_code: Mapped[str] = mapped_column(String(16), default="*", index=True)
    category: Mapped[str] = mapped_column(String(32), default="*")
    min_severity: Mapped[str] = mapped_column(String(16), default="low")
    level: Mapped[int] = mapped_column(Integer, default=0)
    channel: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class NotificationDelivery(Base):
    """One message to one target: its tries and its fate (sent, dead, skipped)."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (Index("ix_notification_deliveries_status", "status", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    subscription_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    channel: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(String(16), default="alert")  # alert|escalation|reminder
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class IncidentCursor(Base):
    """How far the incidents worker has read one input table (by id)."""

    __tablename__ = "incident_cursors"

    stream: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


def _refuse_change(_mapper: Any, _connection: Any, target: IncidentEvent) -> None:
    raise PermissionError(f"incident_events is append-only (event {target.id})")


sa_event.listen(IncidentEvent, "before_update", _refuse_change)
sa_event.listen(IncidentEvent, "before_delete", _refuse_change)
