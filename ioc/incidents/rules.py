"""Sensor threshold rules as data (``data/incident_rules.toml``) and their pure evaluation."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path


@dataclass(frozen=True)
class ThresholdRule:
    """Readings of ``quantity`` above ``above`` for ``for_minutes`` open an incident."""

    name: str
    quantity: str
    above: float
    for_minutes: float
    kind: str
    severity: str
    title_vi: str

    @property
    def window(self) -> timedelta:
        return timedelta(minutes=self.for_minutes)


def load_rules(path: str | Path) -> list[ThresholdRule]:
    """Rules from a TOML file of ``[[rule]]`` tables; a missing or empty path gives none."""
    if not path or not Path(path).is_file():
        return []
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    rules = []
    for raw in data.get("rule", []):
        rules.append(
            ThresholdRule(
                name=str(raw["name"]),
                quantity=str(raw["quantity"]),
                above=float(raw["above"]),
                for_minutes=float(raw.get("for_minutes", 0)),
                kind=str(raw.get("kind", raw["quantity"])),
                severity=str(raw.get("severity", "medium")),
                title_vi=str(raw.get("title_vi", raw["name"])),
            )
        )
    return rules


def sustained(
    rule: ThresholdRule, history: Sequence[tuple[datetime, float]], now: datetime
) -> bool:
    """Whether the readings (time, value) show ``rule`` exceeded for its whole window.

    ``history`` holds the station's readings of the rule's quantity up to ``now``. The
    latest must exceed; then every reading back to ``now - window`` must exceed too, and
    one exceeding reading must be at least as old as the window start.
    """
    ordered = sorted((at, value) for at, value in history if at <= now)
    if not ordered or ordered[-1][1] <= rule.above:
        return False
    if rule.for_minutes <= 0:
        return True
    start = now - rule.window
    oldest_exceeding: datetime | None = None
    for at, value in reversed(ordered):
        if value <= rule.above:
            break
        oldest_exceeding = at
        if at <= start:
            return True
    return oldest_exceeding is not None and oldest_exceeding <= start
