"""Tables of the public-service KPIs: the procedure catalogue.

(The digital-transformation indicators moved to :mod:`ioc.store.models_digital`.)

Dossier records themselves live in :class:`ioc.store.models.Dossier` (extended by schema
0005). Importing this module registers its tables on the shared ``Base.metadata``; the
KPI package (``ioc.kpi``) imports it, and so do the migrations environment and tests.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ioc.store.models import Base
from ioc.store.types import UtcDateTime


class CatalogueProcedure(Base):
    """One procedure of a unit's procedure catalogue (danh mục TTHC) for one period.

    The procedure-based sub-indicators of Decision 766 (announced and updated on time,
    published in full, offered online, fee-bearing, payable online, connected to the
    population database) count these rows; see docs/kpi.md.
    """

    __tablename__ = "procedure_catalogue"
    __table_args__ = (
        UniqueConstraint("unit_code", "period", "procedure_code", name="uq_procedure_catalogue"),
        Index("ix_procedure_catalogue_period", "period_start", "unit_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_code: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(10))  # 2026 | 2026-Q3 | 2026-07
    period_start: Mapped[date] = mapped_column(Date)
    procedure_code: Mapped[str] = mapped_column(String(64))
    procedure_name: Mapped[str] = mapped_column(String(300), default="")
    online_level: Mapped[int] = mapped_column(Integer, default=0)  # 3 partly, 4 fully online
    fee: Mapped[bool] = mapped_column(Boolean, default=False)
    online_payment: Mapped[bool] = mapped_column(Boolean, default=False)
    population_db: Mapped[bool] = mapped_column(Boolean, default=False)
    announced: Mapped[bool] = mapped_column(Boolean, default=False)
    announced_on_time: Mapped[bool] = mapped_column(Boolean, default=False)
    updated: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_on_time: Mapped[bool] = mapped_column(Boolean, default=False)
    published_full: Mapped[bool] = mapped_column(Boolean, default=False)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime())
