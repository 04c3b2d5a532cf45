"""What a unit's pages show of the Decision 766 index: the unit's own score and rank, or
its area's aggregate with the ranking of the area's own wards.

A ward has an official score: its wall and page show it with its rank among the
province's current units. A former district (Đà Lạt, 672) or any IOC's unit has no records
of its own after 1 July 2025; its pages show the index aggregated from its wards' records
(:mod:`ioc.kpi.areas`), labelled as the area's aggregate, next to its wards ranked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from ioc.kpi.areas import area_units
from ioc.kpi.periods import Period
from ioc.kpi.ranking import competition_ranks
from ioc.pages import map_data
from ioc.pages.kpi_cache import latest_scores, metric_of, unit_metrics

Row = tuple[str, str, float | None]


@dataclass(frozen=True)
class UnitIndex:
    """A unit's index in the latest period, and what it is ranked among."""

    period: Period
    value: float | None
    is_area: bool = False
    rank: int | None = None  # a ward's rank among the province's current units
    ranked_of: int = 0
    members: list[Row] = field(default_factory=list)  # the area's units with their totals


def unit_index(session: Session, now: datetime, code: str) -> UnitIndex:
    """The unit's index (own or its area's) with its rank or its area's ranking."""
    period, scores = latest_scores(session, now)
    found, is_area = unit_metrics(scores, code)
    today = map_data.local_today(now)
    areas = map_data.load_areas(session, today)
    current = {a.code: a.name for a in areas.current}
    totals = {c: metric_of(scores.get(c), "total") for c in current}
    if code in current:
        ranks = competition_ranks(totals)
        ranked = sum(v is not None for v in totals.values())
        return UnitIndex(period, metric_of(found, "total"), False, ranks[code], ranked)
    members = area_units([*areas.current, *areas.districts], code, today)
    rows = [(m, current.get(m, m), totals.get(m)) for m in members]
    return UnitIndex(period, metric_of(found, "total"), is_area, members=rows)
