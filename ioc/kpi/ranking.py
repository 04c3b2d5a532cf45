"""KPI tables: every unit of an era scored, ranked and compared with the previous period.

The province row is scored from the sum of the units' counts (records), never from an
average of the units' percentages. Units valid in the era are listed even without
dossiers (their total is None and they rank last); codes found only in records (a
department, a unit missing from the unit table) are listed under their code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from ioc.kpi.counts import kpi_counts
from ioc.kpi.decision766 import Score, score
from ioc.kpi.periods import REFORM_DAY, Era, Period, default_era, era_day, is_running
from ioc.kpi.ratio import PROVINCE, add_counts
from ioc.kpi.weights import Weights, default_weights
from ioc.store.units import units_valid_at, units_valid_during
from ioc.timeutil import utcnow


@dataclass(frozen=True)
class UnitKpi:
    """One unit's index for a period, its rank and its index in the previous period."""

    code: str
    name: str
    counts: Mapping[str, int]
    score: Score
    previous: Score | None = None
    rank: int | None = None

    @property
    def change(self) -> float | None:
        """Total now minus total in the previous period (None if either is missing)."""
        return _delta(self.score.total, self.previous.total if self.previous else None)

    def group_change(self, key: str) -> float | None:
        before = self.previous.group(key).points if self.previous else None
        return _delta(self.score.group(key).points, before)


@dataclass(frozen=True)
class KpiTable:
    """A period's province row and its ranked units."""

    period: Period
    era: Era
    province: UnitKpi
    units: tuple[UnitKpi, ...]
    partial: bool = False  # the period is still running: its counts are not final

    def unit(self, code: str) -> UnitKpi | None:
        if code == PROVINCE:
            return self.province
        return next((u for u in self.units if u.code == code), None)


def _delta(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def competition_ranks(totals: Mapping[str, float | None]) -> dict[str, int | None]:
    """1, 2, 2, 4... by total (rounded to 0.01), highest first; None for no total."""
    ordered = sorted((round(v, 2), k) for k, v in totals.items() if v is not None)
    ordered.reverse()
    ranks: dict[str, int | None] = dict.fromkeys(totals)
    for position, (value, code) in enumerate(ordered, start=1):
        same = [ranks[c] for v, c in ordered[: position - 1] if v == value]
        ranks[code] = same[0] if same else position
    return ranks


def build_table(
    period: Period,
    era: Era,
    now_counts: Mapping[str, Mapping[str, int]],
    before_counts: Mapping[str, Mapping[str, int]],
    names: Mapping[str, str],
    *,
    weights: Weights,
    province_name: str = "",
) -> KpiTable:
    """Score, rank and compare every unit (pure: counts in, table out)."""
    codes = sorted(set(names) | set(now_counts))
    scores = {c: score(now_counts.get(c, {}), weights) for c in codes}
    ranks = competition_ranks({c: s.total for c, s in scores.items()})
    units = [
        UnitKpi(
            c,
            names.get(c, c),
            dict(now_counts.get(c, {})),
            scores[c],
            score(before_counts[c], weights) if c in before_counts else None,
            ranks[c],
        )
        for c in codes
    ]
    units.sort(key=lambda u: (u.rank is None, u.rank or 0, u.code))
    total_now = add_counts(now_counts.values())
    total_before = add_counts(before_counts.values())
    province = UnitKpi(
        PROVINCE,
        province_name,
        total_now,
        score(total_now, weights),
        score(total_before, weights) if before_counts else None,
        None,
    )
    return KpiTable(period, era, province, tuple(units))


def area_kpi(table: KpiTable, code: str, name: str, members: Sequence[str]) -> AreaKpi:
    """An area's aggregate (its units' counts added up and scored) and its units ranked
    among themselves (pure)."""
    inside = [u for u in table.units if u.code in set(members)]
    counts = add_counts(u.counts for u in inside)
    ranks = competition_ranks({u.code: u.score.total for u in inside})
    ranked = sorted(inside, key=lambda u: (ranks[u.code] is None, ranks[u.code] or 0, u.code))
    return AreaKpi(code, name, counts, score(counts), tuple((ranks[u.code], u) for u in ranked))


@dataclass(frozen=True)
class AreaKpi:
    """An IOC's (or former district's) area: the aggregate, not an official unit score."""

    code: str
    name: str
    counts: Mapping[str, int]
    score: Score
    members: tuple[tuple[int | None, UnitKpi], ...]  # (rank within the area, unit)


def unit_names(session: Session, period: Period, era: Era) -> dict[str, str]:
    """Names of the units valid in ``era`` during ``period`` (districts before the reform,
    communes after; the communes of 2024-2025 are not ranked): a unit that ended within it
    (Đạ Huoai, Đạ Tẻh, Cát Tiên merged on 2024-12-01) keeps its row and name; a code valid
    twice in it carries its later name."""
    last = era_day(era, period)
    first = min(max(period.first_day, REFORM_DAY) if era == "post2025" else period.first_day, last)
    units = units_valid_during(session, first, last)
    level = "commune" if era == "post2025" else "district"
    return {u.code: u.name for u in units if u.level == level}


def province_name(session: Session, period: Period, era: Era) -> str:
    units = units_valid_at(session, era_day(era, period), level="province")
    return units[0].name if units else ""


def compute_table(
    session: Session,
    period: Period,
    era: Era | None = None,
    now: datetime | None = None,
    weights: Weights | None = None,
) -> KpiTable:
    """The KPI table of ``period`` (its counts and the previous period's, scored and ranked)."""
    era = era or default_era(period)
    now = now or utcnow()
    current = kpi_counts(session, period, era, now)
    before = kpi_counts(session, period.previous(), era, now)
    table = build_table(
        period,
        era,
        current,
        before,
        unit_names(session, period, era),
        weights=weights or default_weights(),
        province_name=province_name(session, period, era),
    )
    return replace(table, partial=is_running(period, now))


def trend(
    session: Session, period: Period, steps: int, unit: str = PROVINCE, era: Era | None = None
) -> list[tuple[Period, float | None]]:
    """Total index of ``unit`` (or the province, all records) over ``steps`` periods."""
    now, weights, points = utcnow(), default_weights(), []
    for back in range(steps - 1, -1, -1):
        when = period.shift(-back)
        counts = kpi_counts(session, when, None if unit == PROVINCE else era, now)
        chosen = add_counts(counts.values()) if unit == PROVINCE else counts.get(unit, {})
        points.append((when, score(chosen, weights).total))
    return points
