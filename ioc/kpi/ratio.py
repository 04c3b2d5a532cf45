"""Ratio KPIs over records in a period, per unit: the machinery shared by every KPI.

A KPI of this kind is ``numerator / denominator`` where both count records of one table
(dossiers, citizen reports...) that meet a condition. :func:`tally` runs ONE
``GROUP BY unit`` query whose columns are named counts (``count_if``); every formula is
then plain Python over those integers. Because counts add up, the province total is the
sum of the units' counts (:func:`add_counts`), never an average of unit percentages.

Example for citizen reports (the reports module)::

    created = in_period(CitizenReport.created_at, period)
    counts = tally(session, CitizenReport.unit_code,
                   {"received": count_if(created),
                    "resolved": count_if(created & (CitizenReport.status == "resolved"))},
                   where=[created])
    share = Ratio.of(counts["W1"], "resolved", "received").value
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from ioc.kpi.periods import Period

Counts = Mapping[str, int]
PROVINCE = "*"  # key of the province total in results keyed by unit


def count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    """How many records of the group meet ``condition``."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def in_period(column: Any, period: Period) -> ColumnElement[bool]:
    """``column`` (a UTC timestamp) falls within the period's local-time bounds."""
    start, end = period.bounds()
    return and_(column >= start, column < end)


def tally(
    session: Session,
    unit_column: Any,
    measures: Mapping[str, ColumnElement[Any]],
    where: Sequence[ColumnElement[bool]] = (),
) -> dict[str, dict[str, int]]:
    """One GROUP BY query: ``{unit: {measure: integer}}`` for every unit with records."""
    names = list(measures)
    query = select(unit_column, *(measures[name].label(name) for name in names))
    query = query.where(*where).group_by(unit_column)
    return {
        str(row[0]): {name: int(row[i + 1] or 0) for i, name in enumerate(names)}
        for row in session.execute(query)
    }


def add_counts(per_unit: Iterable[Counts]) -> dict[str, int]:
    """Counts of several units added up (the province total, from records)."""
    total: dict[str, int] = {}
    for counts in per_unit:
        for name, value in counts.items():
            total[name] = total.get(name, 0) + value
    return total


@dataclass(frozen=True)
class Ratio:
    """``numerator / denominator``; ``value`` is None when the denominator is zero."""

    numerator: int
    denominator: int

    @classmethod
    def of(cls, counts: Counts, numerator: str, denominator: str) -> Ratio:
        return cls(int(counts.get(numerator, 0)), int(counts.get(denominator, 0)))

    @property
    def value(self) -> float | None:
        if self.denominator <= 0:
            return None
        return min(1.0, max(0.0, self.numerator / self.denominator))

    def percent(self, digits: int = 1) -> float | None:
        value = self.value
        return None if value is None else round(100 * value, digits)
