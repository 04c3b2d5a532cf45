"""The Decision 766/QĐ-TTg index as pure functions: counts in, points out.

For one unit (or area) and period, ``counts`` holds integers such as ``received`` or
``pakn_on_time`` (see :mod:`ioc.kpi.counts`). Each sub-indicator scores
``points × min(1, share / full_at)`` with ``share = numerator / denominator``. When the
denominator is 0 its ``empty`` rule says what it is worth: 0, all its points, or nothing
(no data) — the portal's rules, never a rescale. A sub-indicator whose source the IOC
does not have (``source = "none"``, or ``"catalogue"`` before a catalogue was imported for
the unit and period) has no data: it shows "chưa có số liệu" and is left out of the total
(``Score.possible`` says out of how many points the total is). A unit without any record
in the period (no dossier, no catalogue) has no score at all (a gap, not a zero).
Formulas: ``docs/kpi.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ioc.kpi.ratio import Counts, Ratio
from ioc.kpi.weights import GroupDef, IndicatorDef, Weights, default_weights

CATALOGUES = "catalogues"  # how many procedure catalogues the counts come from
# A unit is scored when it has dossiers or a procedure catalogue in the period; citizen
# reports alone (the PAKN parts) do not make an index.
RECORD_COUNTS = ("received", "finished", "due", CATALOGUES)


@dataclass(frozen=True)
class IndicatorScore:
    """A sub-indicator's ratio, share (0..1, None when empty or no data) and points."""

    definition: IndicatorDef
    ratio: Ratio
    share: float | None
    points: float | None
    has_data: bool = True


@dataclass(frozen=True)
class GroupScore:
    """A group's points (None when no sub-indicator has data) and its sub-indicators."""

    definition: GroupDef
    points: float | None
    indicators: tuple[IndicatorScore, ...]


@dataclass(frozen=True)
class Score:
    """The index of one unit, area or the province for one period."""

    total: float | None
    groups: tuple[GroupScore, ...]
    possible: float = 0.0  # the points of the sub-indicators that have data

    def group(self, key: str) -> GroupScore:
        return next(g for g in self.groups if g.definition.code == key)

    def indicator(self, key: str) -> IndicatorScore:
        return next(i for g in self.groups for i in g.indicators if i.definition.code == key)


def has_records(counts: Counts) -> bool:
    """Whether the counts hold any record at all (otherwise the period is a gap)."""
    return any(counts.get(name, 0) > 0 for name in RECORD_COUNTS)


def source_available(definition: IndicatorDef, counts: Counts) -> bool:
    """Whether the IOC has the records this sub-indicator is computed from."""
    if definition.source == "none":
        return False
    if definition.source == "catalogue":
        return counts.get(CATALOGUES, 0) > 0
    return has_records(counts)


def indicator_score(definition: IndicatorDef, counts: Counts) -> IndicatorScore:
    """``points × min(1, share / full_at)``, or the empty rule when the denominator is 0."""
    ratio = Ratio.of(counts, definition.numerator, definition.denominator)
    if not source_available(definition, counts):
        return IndicatorScore(definition, ratio, None, None, has_data=False)
    share = ratio.value
    if share is None:
        empty = {"zero": 0.0, "full": definition.points, "none": None}[definition.empty]
        return IndicatorScore(definition, ratio, None, empty, has_data=empty is not None)
    points = definition.points * min(1.0, share / definition.full_at)
    return IndicatorScore(definition, ratio, share, points)


def group_score(definition: GroupDef, scores: tuple[IndicatorScore, ...]) -> GroupScore:
    """The sum of the sub-indicators that have data (None when none has)."""
    scored = [s.points for s in scores if s.points is not None]
    return GroupScore(definition, sum(scored) if scored else None, scores)


def score(counts: Counts, weights: Weights | None = None) -> Score:
    """The whole index from one unit's (or an area's, or the province's) counts."""
    weights = weights or default_weights()
    groups = tuple(
        group_score(group, tuple(indicator_score(i, counts) for i in group.indicators))
        for group in weights.groups
    )
    scored = [i for g in groups for i in g.indicators if i.points is not None]
    if not scored:
        return Score(None, groups, 0.0)
    total = sum(i.points or 0.0 for i in scored)
    return Score(total, groups, sum(i.definition.points for i in scored))
