"""Tables of the camera workers' lease mode: who analyses which camera, and who is alive.

``camera_leases`` has one row per camera held by a worker until ``expires_at``; the primary
key makes two holders of one camera impossible. ``camera_workers`` lists the workers in
lease mode with the time their presence expires, so each can compute its fair share.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ioc.store.models import Base
from ioc.store.types import UtcDateTime


class CameraLease(Base):
    """One camera held by one camera worker until ``expires_at`` (renewed while it runs)."""

    __tablename__ = "camera_leases"
    __table_args__ = (Index("ix_camera_leases_worker", "worker_id"),)

    camera_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True
    )
    worker_id: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CameraWorkerPresence(Base):
    """A camera worker in lease mode, alive until ``expires_at`` (renewed with its leases)."""

    __tablename__ = "camera_workers"

    worker_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
