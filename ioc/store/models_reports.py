"""Tables of the citizen-report part: categories, agencies, status history, contacts.

The report itself is :class:`ioc.store.models.CitizenReport`. Contacts live in their own
table so that nothing that lists reports can leak them by accident; only the status
history and the agency overrides refer to a report or a unit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ioc.store.models import Base
from ioc.store.types import UtcDateTime


class ReportCategory(Base):
    """A service code (category) with its names, SLA and default responsible agency."""

    __tablename__ = "report_categories"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_vi: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    onsite_hours: Mapped[float] = mapped_column(Float, default=2.0)
    result_hours: Mapped[float] = mapped_column(Float, default=6.0)
    agency_vi: Mapped[str] = mapped_column(String(200), default="")
    agency_en: Mapped[str] = mapped_column(String(200), default="")
    keywords: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ReportAgency(Base):
    """The agency answering one category in one unit, overriding the category's pattern."""

    __tablename__ = "report_agencies"
    __table_args__ = (UniqueConstraint("unit_code", "service_code", name="uq_report_agencies"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_code: Mapped[str] = mapped_column(String(16))
    service_code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))


class ReportStatusChange(Base):
    """One change of a report: who, when, from which status to which, and a note."""

    __tablename__ = "report_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("citizen_reports.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class ReportContact(Base):
    """The reporter's contact data: never shown publicly, never in Open311 answers."""

    __tablename__ = "report_contacts"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("citizen_reports.id", ondelete="CASCADE"), primary_key=True
    )
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
