"""The ``indicator_value`` target: digital-transformation figures with their public source.

A mapped record names the indicator, the unit (empty: province-wide), the period, the value
and its source (title, outlet, date; URL optional). It is checked here against the stored
catalogue and units, so a bad record is dead-lettered with its reason instead of failing
its page, and written by :func:`ioc.digital.values.record_indicator_value`, which refuses a
value without a source and never stores one twice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.connectors.sinks import Refused
from ioc.digital.values import MissingSourceError, Outcome, Source, check_period, check_source
from ioc.digital.values import record_indicator_value as record
from ioc.store import Store
from ioc.store.models import AdminUnit
from ioc.store.models_digital import DigitalIndicator


@dataclass(frozen=True)
class IndicatorItem:
    """One checked value, ready for :func:`record_indicator_value`."""

    indicator_code: str
    unit_code: str | None
    period: str
    value: float
    source: Source
    note: str


class IndicatorSink:
    """Indicator values into the digital-transformation board."""

    fields = frozenset(
        {
            "indicator_code",
            "unit_code",
            "period",
            "value",
            "source_title",
            "source_publisher",
            "source_date",
            "source_url",
            "note",
        }
    )
    required = frozenset(
        {"indicator_code", "period", "value", "source_title", "source_publisher", "source_date"}
    )

    def __init__(self) -> None:
        self.kinds: dict[str, str] = {}  # indicator code -> period kind
        self.units: set[str] = set()

    def prepare(self, store: Store) -> None:
        with store.session() as session:
            rows = session.execute(select(DigitalIndicator.code, DigitalIndicator.period_kind))
            self.kinds = {code: kind for code, kind in rows}
            self.units = set(session.scalars(select(AdminUnit.code)))

    def convert(self, mapped: dict[str, Any], key: str) -> IndicatorItem | Refused:
        code = str(mapped.get("indicator_code") or "").strip()
        if code not in self.kinds:
            return Refused(f"indicator_code: unknown indicator {code!r}")
        unit = str(mapped.get("unit_code") or "").strip() or None
        if unit is not None and unit not in self.units:
            return Refused(f"unit_code: unknown unit {unit!r}")
        try:
            value = _number(mapped.get("value"))
            period = check_period(str(mapped.get("period") or ""), self.kinds[code])
            source = check_source(
                Source(
                    str(mapped.get("source_title") or ""),
                    str(mapped.get("source_publisher") or ""),
                    str(mapped.get("source_date") or ""),
                    str(mapped.get("source_url") or "") or None,
                )
            )
        except (TypeError, ValueError, MissingSourceError) as exc:
            return Refused(str(exc))
        if not math.isfinite(value):
            return Refused(f"value: not a finite number ({mapped.get('value')!r})")
        return IndicatorItem(code, unit, period, value, source, str(mapped.get("note") or ""))

    def write(self, session: Session, items: list[Any], postgis: bool) -> int:
        changed = 0
        for item in items:
            outcome = record(
                session,
                item.indicator_code,
                item.unit_code,
                item.period,
                item.value,
                item.source,
                note=item.note,
            )
            changed += outcome is not Outcome.UNCHANGED
        return changed


def _number(raw: object) -> float:
    """A JSON number or a numeric string as a float; anything else is refused."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ValueError(f"value: not a number ({raw!r})")
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"value: not a number ({raw!r})") from None
