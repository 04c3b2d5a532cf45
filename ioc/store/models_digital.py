"""Tables of the digital-transformation board (``/chuyen-doi-so``).

An indicator (:class:`DigitalIndicator`) is data: its pillar, names, definition, unit of
measure, period kind and, where the province set one, a target with the document that set
it. A value (:class:`DigitalValue`) is one number of one indicator for one period, either
province-wide (``unit_code`` NULL) or for one administrative unit, and always points at the
public source it was read from (:class:`DigitalSource`). ``scope`` repeats the unit (or
``PROVINCE_SCOPE``) so one unique key covers both cases on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ioc.store.models import Base
from ioc.store.types import UtcDateTime

PROVINCE_SCOPE = "*"  # ``scope`` of a province-wide value


class DigitalIndicator(Base):
    """One indicator of the board (e.g. ``bts_5g_stations``)."""

    __tablename__ = "digital_indicators"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    pillar: Mapped[str] = mapped_column(
        String(16)
    )  # government | economy | society | infrastructure
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    definition_vi: Mapped[str] = mapped_column(Text, default="")
    definition_en: Mapped[str] = mapped_column(Text, default="")
    measure_vi: Mapped[str] = mapped_column(String(40))  # unit of measure: trạm, %, hạng …
    measure_en: Mapped[str] = mapped_column(String(40))
    period_kind: Mapped[str] = mapped_column(String(8), default="year")
    lower_is_better: Mapped[bool] = mapped_column(Boolean, default=False)  # ranks
    target_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    target_period: Mapped[str | None] = mapped_column(String(10), nullable=True)
    target_source_title: Mapped[str | None] = mapped_column(String(500), nullable=True)
    target_source_publisher: Mapped[str | None] = mapped_column(String(200), nullable=True)
    target_source_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    target_source_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class DigitalSource(Base):
    """A public source figures were read from: a news article, a report, a decision."""

    __tablename__ = "digital_sources"
    __table_args__ = (
        UniqueConstraint("title", "publisher", "published", name="uq_digital_sources_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(500))
    publisher: Mapped[str] = mapped_column(String(200))  # outlet or publishing body
    published: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD or YYYY-MM
    url: Mapped[str | None] = mapped_column(String(1000), nullable=True)


class DigitalValue(Base):
    """One value of an indicator for a period, province-wide or for one unit."""

    __tablename__ = "digital_values"
    __table_args__ = (
        UniqueConstraint("indicator_code", "scope", "period", name="uq_digital_values_key"),
        Index("ix_digital_values_indicator", "indicator_code", "period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    indicator_code: Mapped[str] = mapped_column(ForeignKey("digital_indicators.code"))
    unit_code: Mapped[str | None] = mapped_column(String(16), nullable=True)  # NULL: province
    scope: Mapped[str] = mapped_column(String(16))  # unit_code or PROVINCE_SCOPE
    period: Mapped[str] = mapped_column(String(10))  # 2024 (period kind of the indicator)
    value: Mapped[float] = mapped_column(Float)
    source_id: Mapped[int] = mapped_column(ForeignKey("digital_sources.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
