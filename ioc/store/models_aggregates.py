"""The shared dashboard aggregates: results every web process reads, computed once.

One row per aggregate (``key``): what it was computed from (``version``: a feed's version,
or empty), when, until when its writer vouches for it (``expires_at``: the refresher knows
its own schedule, readers do not need to), and the result as JSON text. The refresher
(``ioc aggregates``) rewrites the rows the pages ask for on a schedule; a page that finds
its row missing or stale computes it itself and writes it back, so the next process finds
it. See :mod:`ioc.aggregates`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ioc.store.models import Base
from ioc.store.types import UtcDateTime


class DashboardAggregate(Base):
    """One shared aggregate: ``payload`` (JSON) for ``version``, good until ``expires_at``."""

    __tablename__ = "dashboard_aggregates"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    version: Mapped[str] = mapped_column(String(200), default="")
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    payload: Mapped[str] = mapped_column(Text)
