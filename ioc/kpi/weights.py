"""The Decision 766 index definition as data: groups, sub-indicators, caps and empty rules.

Read from ``data/kpi_766_weights.toml`` (see its comments) and checked: every group has
sub-indicators whose points add up to the group's points, the groups add up to 100, and
every rule names a known kind. :meth:`Weights.tree` is what ``ioc kpi weights --json``
prints and what ``docs/kpi.md`` is generated from.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

WEIGHTS_FILE = Path(__file__).resolve().parents[2] / "data" / "kpi_766_weights.toml"
Empty = Literal["zero", "full", "none"]
Source = Literal["dossiers", "catalogue", "reports", "none"]
EMPTY_RULES: tuple[Empty, ...] = ("zero", "full", "none")
SOURCES: tuple[Source, ...] = ("dossiers", "catalogue", "reports", "none")


@dataclass(frozen=True)
class IndicatorDef:
    """A sub-indicator: ``points × min(1, numerator / denominator / full_at)``."""

    code: str
    group: str
    name_vi: str
    name_en: str
    numerator: str
    denominator: str
    points: float
    full_at: float = 1.0
    empty: Empty = "zero"
    source: Source = "dossiers"
    checked: bool = False

    @property
    def key(self) -> str:
        return self.code

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_vi

    def formula(self) -> str:
        """The rule as text, e.g. ``min(6, 6 × satisfied / rated / 0.9); rated = 0 → 0``."""
        share = f"{self.numerator} / {self.denominator}"
        points = _num(self.points)
        body = (
            f"{points} × {share}"
            if self.full_at == 1.0
            else f"min({points}, {points} × {share} / {_num(self.full_at)})"
        )
        empty = {"zero": "0", "full": points, "none": "no data"}[self.empty]
        return f"{body}; {self.denominator} = 0 → {empty}"


@dataclass(frozen=True)
class GroupDef:
    """One of the six groups of the index."""

    code: str
    name_vi: str
    name_en: str
    points: float
    indicators: tuple[IndicatorDef, ...]
    checked: bool = False

    @property
    def key(self) -> str:
        return self.code

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_vi


@dataclass(frozen=True)
class Weights:
    """The whole index definition."""

    groups: tuple[GroupDef, ...]
    source: str = ""

    @property
    def indicators(self) -> tuple[IndicatorDef, ...]:
        return tuple(i for g in self.groups for i in g.indicators)

    def of_group(self, group: str) -> tuple[IndicatorDef, ...]:
        return next((g.indicators for g in self.groups if g.code == group), ())

    def tree(self) -> dict[str, Any]:
        """Groups with their indicators, as plain data (``ioc kpi weights --json``)."""
        return {
            "source": self.source,
            "total": sum(g.points for g in self.groups),
            "groups": [_group_tree(g) for g in self.groups],
        }


def _group_tree(group: GroupDef) -> dict[str, Any]:
    return {
        "code": group.code,
        "name": group.name_vi,
        "name_en": group.name_en,
        "points": group.points,
        "checked": group.checked,
        "indicators": [
            {
                "code": i.code,
                "name": i.name_vi,
                "name_en": i.name_en,
                "points": i.points,
                "formula": i.formula(),
                "numerator": i.numerator,
                "denominator": i.denominator,
                "full_at": i.full_at,
                "empty": i.empty,
                "source": i.source,
                "checked": i.checked,
            }
            for i in group.indicators
        ],
    }


def _num(value: float) -> str:
    return f"{value:g}"


class WeightsError(ValueError):
    """The weights file is inconsistent."""


def _indicator(group: str, raw: dict[str, Any]) -> IndicatorDef:
    indicator = IndicatorDef(group=group, **raw)
    if indicator.empty not in EMPTY_RULES:
        raise WeightsError(f"{indicator.code}: empty must be one of {EMPTY_RULES}")
    if indicator.source not in SOURCES:
        raise WeightsError(f"{indicator.code}: source must be one of {SOURCES}")
    if not 0 < indicator.full_at <= 1:
        raise WeightsError(f"{indicator.code}: full_at must be in (0, 1]")
    return indicator


def _group(raw: dict[str, Any]) -> GroupDef:
    items = raw.pop("indicators", [])
    indicators = tuple(_indicator(raw["code"], dict(item)) for item in items)
    return GroupDef(indicators=indicators, **raw)


def parse_weights(raw: dict[str, Any]) -> Weights:
    """Weights from the parsed TOML; raises :class:`WeightsError` when inconsistent."""
    try:
        groups = tuple(_group(dict(g)) for g in raw["groups"])
    except (KeyError, TypeError) as exc:
        raise WeightsError(f"bad weights file: {exc}") from exc
    weights = Weights(groups, str(raw.get("source", "")))
    check(weights)
    return weights


def check(weights: Weights) -> None:
    """Each group's indicators add up to its points; the groups to 100; codes unique."""
    codes = [i.code for i in weights.indicators] + [g.code for g in weights.groups]
    if len(set(codes)) != len(codes):
        raise WeightsError("group and indicator codes must be unique")
    for group in weights.groups:
        inside = sum(i.points for i in group.indicators)
        if not group.indicators or abs(inside - group.points) > 1e-9:
            raise WeightsError(f"group {group.code}: indicators give {inside}, not {group.points}")
    total = sum(g.points for g in weights.groups)
    if abs(total - 100) > 1e-9:
        raise WeightsError(f"groups add up to {total}, not 100")


def load_weights(path: Path = WEIGHTS_FILE) -> Weights:
    return parse_weights(tomllib.loads(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def default_weights() -> Weights:
    """The shipped weights (read once)."""
    return load_weights()
