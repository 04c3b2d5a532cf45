"""The Decision 766 index definition as data: groups, sub-indicators and their points.

Read from ``data/kpi_766_weights.toml`` (see its comments) and checked: every
sub-indicator belongs to a group, a group's sub-indicator points add up to the group's
points and the groups add up to 100.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

WEIGHTS_FILE = Path(__file__).resolve().parents[2] / "data" / "kpi_766_weights.toml"
Missing = Literal["rescale", "zero"]


@dataclass(frozen=True)
class GroupDef:
    """One of the five groups of the index."""

    key: str
    name_vi: str
    name_en: str
    points: float
    checked: bool = False

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_vi


@dataclass(frozen=True)
class IndicatorDef:
    """A sub-indicator: ``points × numerator / denominator`` (or ``× (1 - ratio)``)."""

    key: str
    group: str
    name_vi: str
    name_en: str
    numerator: str
    denominator: str
    points: float
    inverse: bool = False
    checked: bool = False

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_vi


@dataclass(frozen=True)
class Weights:
    """The whole index definition."""

    groups: tuple[GroupDef, ...]
    indicators: tuple[IndicatorDef, ...]
    missing: Missing = "rescale"

    def of_group(self, group: str) -> tuple[IndicatorDef, ...]:
        return tuple(i for i in self.indicators if i.group == group)


class WeightsError(ValueError):
    """The weights file is inconsistent."""


def parse_weights(raw: dict[str, Any]) -> Weights:
    """Weights from the parsed TOML; raises :class:`WeightsError` when inconsistent."""
    try:
        groups = tuple(GroupDef(key=k, **v) for k, v in raw["groups"].items())
        indicators = tuple(IndicatorDef(**item) for item in raw["indicators"])
    except (KeyError, TypeError) as exc:
        raise WeightsError(f"bad weights file: {exc}") from exc
    missing = raw.get("missing", "rescale")
    if missing not in ("rescale", "zero"):
        raise WeightsError(f"missing must be 'rescale' or 'zero', not {missing!r}")
    weights = Weights(groups, indicators, missing)
    _check(weights)
    return weights


def _check(weights: Weights) -> None:
    keys = {g.key for g in weights.groups}
    for indicator in weights.indicators:
        if indicator.group not in keys:
            raise WeightsError(f"{indicator.key}: unknown group {indicator.group!r}")
    for group in weights.groups:
        inside = sum(i.points for i in weights.of_group(group.key))
        if abs(inside - group.points) > 1e-9:
            raise WeightsError(
                f"group {group.key}: sub-indicators give {inside}, not {group.points}"
            )
    total = sum(g.points for g in weights.groups)
    if abs(total - 100) > 1e-9:
        raise WeightsError(f"groups add up to {total}, not 100")


def load_weights(path: Path = WEIGHTS_FILE) -> Weights:
    return parse_weights(tomllib.loads(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def default_weights() -> Weights:
    """The shipped weights (read once)."""
    return load_weights()
