"""Tables of the public-service KPIs: the province's indicator time series.

Dossier records themselves live in :class:`ioc.store.models.Dossier` (extended by schema
0005). Importing this module registers its tables on the shared ``Base.metadata``; the
KPI package (``ioc.kpi``) imports it, and so do the migrations environment and tests.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ioc.store.models import Base
from ioc.store.types import UtcDateTime


class IndicatorValue(Base):
    """One value of a tracked indicator (e.g. 5G base stations) for a unit and a period."""

    __tablename__ = "indicator_values"
    __table_args__ = (
        UniqueConstraint("indicator", "unit_code", "period", name="uq_indicator_values_key"),
        Index("ix_indicator_values_unit", "unit_code", "indicator", "period_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    indicator: Mapped[str] = mapped_column(String(64))
    unit_code: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(10))  # 2025 | 2025-Q3 | 2025-07
    period_start: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
