"""Tables of the pull connectors (``ioc connectors run``): per-source state, seen records,
dead letters.

``connector_sources`` keeps each source's cursor, so a restarted connector asks only for
what changed since; ``connector_records`` holds one row per (source, record id, version)
taken in, stored or dead-lettered, and its unique key is what makes a record be stored once;
``connector_dead_letters`` keeps records that could not be mapped, with the reason.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ioc.store.models import Base
from ioc.store.types import UtcDateTime


class ConnectorSource(Base):
    """One declared source's cursor and health, by its name in the sources file."""

    __tablename__ = "connector_sources"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(String(200), nullable=True)
    last_poll_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_ok_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    failures: Mapped[int] = mapped_column(Integer, default=0)
    stored: Mapped[int] = mapped_column(Integer, default=0)
    dead_lettered: Mapped[int] = mapped_column(Integer, default=0)


class ConnectorRecord(Base):
    """A record taken in once: its source, its id there and its version (cursor value)."""

    __tablename__ = "connector_records"
    __table_args__ = (
        UniqueConstraint("source", "record_id", "version", name="uq_connector_records_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(16))  # stored | dead_letter
    taken_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ConnectorDeadLetter(Base):
    """A record a connector could not map: why, and the record as the source sent it."""

    __tablename__ = "connector_dead_letters"
    __table_args__ = (Index("ix_connector_dead_letters_source", "source", "received_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    record: Mapped[str] = mapped_column(Text)  # JSON text, capped
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
