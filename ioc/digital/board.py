"""The read side of ``/chuyen-doi-so``: each indicator with its values, sources and trend.

Per indicator: the newest province-wide value (the headline), the province-wide series
over periods (the trend), the newest value of each unit that has one, and the target with
its progress. An indicator without values is shown as such ("chưa có số liệu"), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, select

from ioc.digital.catalogue import PILLARS, Indicator, load_indicators
from ioc.digital.values import Source
from ioc.store.models import AdminUnit
from ioc.store.models_digital import DigitalSource, DigitalValue


@dataclass(frozen=True)
class Figure:
    """One stored value with its source."""

    unit_code: str | None
    period: str
    value: float
    source: Source
    note: str = ""


@dataclass(frozen=True)
class UnitFigure:
    unit_name: str
    figure: Figure


@dataclass(frozen=True)
class IndicatorView:
    indicator: Indicator
    series: tuple[Figure, ...]  # province-wide, oldest first
    units: tuple[UnitFigure, ...]  # newest value of each unit that has one

    @property
    def latest(self) -> Figure | None:
        return self.series[-1] if self.series else None

    @property
    def empty(self) -> bool:
        return not self.series and not self.units

    def progress(self) -> float | None:
        """Share of the target reached (0–1, capped), None without a target or a value.

        For a rank (lower is better) it is target ÷ rank: rank 20 against target 20 is
        1.0, rank 40 is 0.5."""
        target, latest = self.indicator.target, self.latest
        if target is None or latest is None:
            return None
        if self.indicator.lower_is_better:
            share = target.value / latest.value if latest.value > 0 else 1.0
        else:
            share = latest.value / target.value if target.value else 1.0
        return max(0.0, min(1.0, share))


def _unit_names(conn: Connection, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    rows = conn.execute(
        select(AdminUnit.code, AdminUnit.name, AdminUnit.valid_from)
        .where(AdminUnit.code.in_(codes))
        .order_by(AdminUnit.valid_from)
    ).all()
    return {code: name for code, name, _from in rows}  # the newest name wins


def _sort_key(period: str) -> tuple[int, str]:
    return (int(period[:4]) if period[:4].isdigit() else 0, period)


def board(conn: Connection) -> dict[str, list[IndicatorView]]:
    """Every indicator by pillar (in :data:`PILLARS` order), with its values."""
    values = DigitalValue.__table__
    sources = DigitalSource.__table__
    query = select(
        values.c.indicator_code,
        values.c.unit_code,
        values.c.period,
        values.c.value,
        values.c.note,
        sources.c.title,
        sources.c.publisher,
        sources.c.published,
        sources.c.url,
    ).join(sources, sources.c.id == values.c.source_id)
    rows = conn.execute(query).all()
    by_indicator: dict[str, list[Figure]] = {}
    for r in rows:
        figure = Figure(
            r.unit_code,
            r.period,
            r.value,
            Source(r.title, r.publisher, r.published, r.url),
            r.note or "",
        )
        by_indicator.setdefault(r.indicator_code, []).append(figure)
    names = _unit_names(
        conn, {f.unit_code for fs in by_indicator.values() for f in fs if f.unit_code}
    )
    grouped: dict[str, list[IndicatorView]] = {p: [] for p in PILLARS}
    for indicator in load_indicators(conn):
        figures = sorted(by_indicator.get(indicator.code, []), key=lambda f: _sort_key(f.period))
        province = tuple(f for f in figures if f.unit_code is None)
        newest: dict[str, Figure] = {}
        for f in figures:
            if f.unit_code is not None:
                newest[f.unit_code] = f  # sorted oldest first: the last one stays
        units = tuple(UnitFigure(names.get(code, code), f) for code, f in sorted(newest.items()))
        grouped.setdefault(indicator.pillar, []).append(IndicatorView(indicator, province, units))
    return grouped


def date_label(published: str) -> str:
    """``2023-02-01`` → ``01/02/2023``, ``2022-08`` → ``08/2022`` (as outlets print dates)."""
    parts = published.split("-")
    try:
        if len(parts) == 3:
            return date(int(parts[0]), int(parts[1]), int(parts[2])).strftime("%d/%m/%Y")
        return f"{parts[1]}/{parts[0]}"
    except (ValueError, IndexError):
        return published


def source_line(source: Source) -> str:
    """``Title — Outlet, 01/02/2023``."""
    return f"{source.title} — {source.publisher}, {date_label(source.published)}"
