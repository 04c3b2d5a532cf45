"""The Decision 766/QĐ-TTg index as pure functions: counts in, points out.

For one unit and period, ``counts`` holds integers such as ``received`` or
``finished_on_time`` (see :mod:`ioc.kpi.queries`). Each sub-indicator scores
``points × share`` where ``share = numerator / denominator`` (or ``1 - share`` for a
penalty); a group is the sum of its sub-indicators, the total the sum of the groups, out
of 100. When a denominator is zero the sub-indicator does not apply: with
``missing = "rescale"`` the group's other sub-indicators are scaled up to the group's
points and a group with none left is dropped and the total scaled back to 100; with
``"zero"`` it scores nothing. Formulas are written out in ``docs/kpi.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ioc.kpi.ratio import Counts, Ratio
from ioc.kpi.weights import GroupDef, IndicatorDef, Missing, Weights, default_weights


@dataclass(frozen=True)
class IndicatorScore:
    """A sub-indicator's ratio, share (0..1, None if not applicable) and points."""

    definition: IndicatorDef
    ratio: Ratio
    share: float | None
    points: float | None


@dataclass(frozen=True)
class GroupScore:
    """A group's points (None when no sub-indicator applies) and its sub-indicators."""

    definition: GroupDef
    points: float | None
    indicators: tuple[IndicatorScore, ...]


@dataclass(frozen=True)
class Score:
    """The index of one unit (or the province) for one period."""

    total: float | None
    groups: tuple[GroupScore, ...]

    def group(self, key: str) -> GroupScore:
        return next(g for g in self.groups if g.definition.key == key)

    def indicator(self, key: str) -> IndicatorScore:
        return next(i for g in self.groups for i in g.indicators if i.definition.key == key)


def indicator_score(definition: IndicatorDef, counts: Counts, missing: Missing) -> IndicatorScore:
    """``points × share`` of one sub-indicator."""
    ratio = Ratio.of(counts, definition.numerator, definition.denominator)
    share = ratio.value
    if share is not None and definition.inverse:
        share = 1.0 - share
    points = definition.points * share if share is not None else None
    if points is None and missing == "zero":
        points = 0.0
    return IndicatorScore(definition, ratio, share, points)


def group_score(definition: GroupDef, scores: tuple[IndicatorScore, ...]) -> GroupScore:
    """The sum of the applicable sub-indicators, scaled up to the group's points."""
    applicable = [s for s in scores if s.points is not None]
    if not applicable:
        return GroupScore(definition, None, scores)
    earned = sum(s.points or 0.0 for s in applicable)
    possible = sum(s.definition.points for s in applicable)
    points = definition.points * earned / possible if possible else 0.0
    return GroupScore(definition, points, scores)


def total_score(groups: tuple[GroupScore, ...]) -> float | None:
    """Sum of the groups out of 100, scaled when some group does not apply."""
    applicable = [g for g in groups if g.points is not None]
    if not applicable:
        return None
    earned = sum(g.points or 0.0 for g in applicable)
    possible = sum(g.definition.points for g in applicable)
    return 100.0 * earned / possible if possible else None


def score(counts: Counts, weights: Weights | None = None) -> Score:
    """The whole index from one unit's (or the province's) counts."""
    weights = weights or default_weights()
    groups = tuple(
        group_score(
            group,
            tuple(indicator_score(i, counts, weights.missing) for i in weights.of_group(group.key)),
        )
        for group in weights.groups
    )
    return Score(total_score(groups), groups)
