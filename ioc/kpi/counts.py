"""Every count the Decision 766 formulas need, per unit, for one period or several.

Three sources, merged per unit: dossiers (:mod:`ioc.kpi.queries`), the procedure
catalogue (:mod:`ioc.kpi.catalogue`) and the citizen reports (:mod:`ioc.kpi.pakn`). The
pages (through the shared aggregates), ``ioc kpi show`` and the report all count here, so
they agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from ioc.kpi.catalogue import catalogue_counts
from ioc.kpi.pakn import pakn_counts
from ioc.kpi.periods import Era, Period
from ioc.kpi.queries import dossier_counts, dossier_counts_many

PerUnit = dict[str, dict[str, int]]


def merge(*parts: Mapping[str, Mapping[str, int]]) -> PerUnit:
    """The per-unit counts of several sources side by side (names do not overlap)."""
    merged: PerUnit = {}
    for part in parts:
        for unit, counts in part.items():
            merged.setdefault(unit, {}).update(counts)
    return merged


def kpi_counts(session: Session, period: Period, era: Era | None, now: datetime) -> PerUnit:
    """All counts of every unit with records in the period and era."""
    return merge(
        dossier_counts(session, period, era, now),
        catalogue_counts(session, period),
        pakn_counts(session, period, era, now),
    )


def kpi_counts_many(
    session: Session, periods: Sequence[tuple[Period, Era | None]], now: datetime
) -> list[PerUnit]:
    """:func:`kpi_counts` of each ``(period, era)``; the dossiers in ONE query."""
    dossiers = dossier_counts_many(session, periods, now)
    return [
        merge(found, catalogue_counts(session, period), pakn_counts(session, period, era, now))
        for found, (period, era) in zip(dossiers, periods, strict=True)
    ]
