"""The audit log: every sign-in, failed sign-in and change of state, append-only, chained.

Each row carries the SHA-256 of its own content and of the row before it
(:mod:`ioc.audit.chain`), so an edited, removed or reordered row breaks the chain at that
point; ``audit_chain_head`` holds the newest row's id and hash, so a cut tail shows too.
The migration adds triggers refusing UPDATE and DELETE on ``audit_log``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ioc.store.models import Base
from ioc.store.types import UtcDateTime


class AuditEntry(Base):
    """One audited event."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_actor", "actor", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200), default="")
    unit_code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    client: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The newest row of the chain (one row, id 1); appends lock it, so they queue."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
