"""The indicators of the board as data: read from TOML, written to ``digital_indicators``.

A province edits ``data/digital/indicators.toml`` (or passes its own file to
``ioc digital import --catalogue``) to add indicators or targets; writing is an upsert by
code, so running it again changes nothing.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Table, select, update

from ioc.store.models_digital import DigitalIndicator

CATALOGUE_FILE = Path(__file__).resolve().parents[2] / "data" / "digital" / "indicators.toml"
SAMPLE_FILE = CATALOGUE_FILE.with_name("sample_values.csv")
PILLARS = ("government", "economy", "society", "infrastructure")
PERIOD_KINDS = ("year", "quarter", "month")


class CatalogueError(ValueError):
    """The catalogue file is refused (the message names the indicator)."""


@dataclass(frozen=True)
class Target:
    """A target the province set, with the document that set it."""

    value: float
    period: str
    title: str
    publisher: str
    date: str | None = None  # YYYY-MM-DD or YYYY-MM when known
    url: str | None = None


@dataclass(frozen=True)
class Indicator:
    code: str
    pillar: str
    name_vi: str
    name_en: str
    definition_vi: str
    definition_en: str
    measure_vi: str
    measure_en: str
    period_kind: str = "year"
    lower_is_better: bool = False
    target: Target | None = None

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_vi

    def definition(self, lang: str) -> str:
        return self.definition_en if lang == "en" else self.definition_vi

    def measure(self, lang: str) -> str:
        return self.measure_en if lang == "en" else self.measure_vi


def _target(code: str, raw: Any) -> Target | None:
    if raw is None:
        return None
    missing = [k for k in ("value", "period", "title", "publisher") if not raw.get(k)]
    if missing:
        raise CatalogueError(
            f"{code}: target lacks {', '.join(missing)} (a target needs its source)"
        )
    return Target(
        float(raw["value"]),
        str(raw["period"]),
        str(raw["title"]),
        str(raw["publisher"]),
        raw.get("date"),
        raw.get("url"),
    )


def parse_catalogue(text: str) -> list[Indicator]:
    """The indicators of a TOML catalogue, or :class:`CatalogueError`."""
    items = tomllib.loads(text).get("indicator", [])
    found: list[Indicator] = []
    for raw in items:
        code = str(raw.get("code", "")).strip()
        required = ("code", "pillar", "name_vi", "name_en", "measure_vi", "measure_en")
        missing = [k for k in required if not str(raw.get(k, "")).strip()]
        if missing:
            raise CatalogueError(f"{code or '?'}: missing {', '.join(missing)}")
        if raw["pillar"] not in PILLARS:
            raise CatalogueError(f"{code}: pillar must be one of {', '.join(PILLARS)}")
        kind = raw.get("period_kind", "year")
        if kind not in PERIOD_KINDS:
            raise CatalogueError(f"{code}: period_kind must be one of {', '.join(PERIOD_KINDS)}")
        if any(i.code == code for i in found):
            raise CatalogueError(f"{code}: defined twice")
        found.append(
            Indicator(
                code,
                raw["pillar"],
                raw["name_vi"],
                raw["name_en"],
                raw.get("definition_vi", ""),
                raw.get("definition_en", ""),
                raw["measure_vi"],
                raw["measure_en"],
                kind,
                bool(raw.get("lower_is_better", False)),
                _target(code, raw.get("target")),
            )
        )
    return found


def read_catalogue(path: Path = CATALOGUE_FILE) -> list[Indicator]:
    return parse_catalogue(path.read_text(encoding="utf-8"))


def _row(indicator: Indicator, order: int) -> dict[str, Any]:
    target = indicator.target
    return {
        "code": indicator.code,
        "pillar": indicator.pillar,
        "name_vi": indicator.name_vi,
        "name_en": indicator.name_en,
        "definition_vi": indicator.definition_vi,
        "definition_en": indicator.definition_en,
        "measure_vi": indicator.measure_vi,
        "measure_en": indicator.measure_en,
        "period_kind": indicator.period_kind,
        "lower_is_better": indicator.lower_is_better,
        "target_value": target.value if target else None,
        "target_period": target.period if target else None,
        "target_source_title": target.title if target else None,
        "target_source_publisher": target.publisher if target else None,
        "target_source_date": target.date if target else None,
        "target_source_url": target.url if target else None,
        "sort_order": order,
    }


def store_catalogue(conn: Connection, indicators: Sequence[Indicator] | None = None) -> int:
    """Insert or update the indicators (the shipped ones by default); returns how many."""
    chosen = read_catalogue() if indicators is None else indicators
    table = cast(Table, DigitalIndicator.__table__)
    known = set(conn.scalars(select(DigitalIndicator.code)))
    for order, indicator in enumerate(chosen):
        row = _row(indicator, order)
        if indicator.code in known:
            conn.execute(update(table).where(table.c.code == indicator.code).values(**row))
        else:
            conn.execute(table.insert().values(**row))
    return len(chosen)


def load_indicators(conn: Connection) -> list[Indicator]:
    """The stored indicators in catalogue order (the shipped catalogue if none are stored)."""
    table = cast(Table, DigitalIndicator.__table__)
    query = select(table).order_by(table.c.sort_order, table.c.code)
    rows = conn.execute(query).mappings().all()
    if not rows:
        return read_catalogue()
    found = []
    for r in rows:
        target = None
        if r["target_value"] is not None:
            target = Target(
                r["target_value"],
                r["target_period"] or "",
                r["target_source_title"] or "",
                r["target_source_publisher"] or "",
                r["target_source_date"],
                r["target_source_url"],
            )
        found.append(
            Indicator(
                r["code"],
                r["pillar"],
                r["name_vi"],
                r["name_en"],
                r["definition_vi"],
                r["definition_en"],
                r["measure_vi"],
                r["measure_en"],
                r["period_kind"],
                bool(r["lower_is_better"]),
                target,
            )
        )
    return found
