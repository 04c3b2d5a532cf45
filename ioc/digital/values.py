"""Storing one indicator value with its public source: :func:`record_indicator_value`.

Every number on the board is traceable to a named source: a value is refused without
one (:class:`MissingSourceError`). The file import and the pull connectors both end here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, select, update
from sqlalchemy.orm import Session

from ioc.kpi.periods import Period
from ioc.store.models import AdminUnit
from ioc.store.models_digital import (
    PROVINCE_SCOPE,
    DigitalIndicator,
    DigitalSource,
    DigitalValue,
)
from ioc.timeutil import utcnow

SOURCE_DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")


class MissingSourceError(ValueError):
    """A value came without a usable source (title, outlet/publisher and date)."""


class Outcome(Enum):
    INSERTED = "inserted"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Source:
    """Where a value was read: a news article, a report, a published decision.

    ``published`` is the publication date, ``YYYY-MM-DD`` (or ``YYYY-MM`` when the
    outlet gives only the month); ``url`` is optional.
    """

    title: str
    publisher: str
    published: str
    url: str | None = None

    def problems(self) -> list[str]:
        """What is missing or malformed (empty when the source is usable)."""
        found = []
        if not self.title.strip():
            found.append("source_title")
        if not self.publisher.strip():
            found.append("source_publisher")
        if not SOURCE_DATE.match(self.published.strip()):
            found.append("source_date (YYYY-MM-DD or YYYY-MM)")
        return found

    def cleaned(self) -> Source:
        url = (self.url or "").strip() or None
        return Source(self.title.strip(), self.publisher.strip(), self.published.strip(), url)


def check_source(source: Source | None) -> Source:
    """The source, cleaned, or :class:`MissingSourceError` naming what is missing."""
    if source is None:
        raise MissingSourceError(
            "no source: a value needs source_title, source_publisher, source_date"
        )
    problems = source.problems()
    if problems:
        raise MissingSourceError(f"no usable source: missing or bad {', '.join(problems)}")
    return source.cleaned()


def check_period(text: str, kind: str) -> str:
    """The period in its canonical form when it is of ``kind`` (year: ``2024``)."""
    period = Period.parse(str(text).strip())
    if period.kind != kind:
        raise ValueError(f"period {text!r} is not a {kind} (this indicator is kept per {kind})")
    return str(period)


def _source_id(conn: Connection, source: Source) -> int:
    table = cast(Table, DigitalSource.__table__)
    key = (
        (table.c.title == source.title)
        & (table.c.publisher == source.publisher)
        & (table.c.published == source.published)
    )
    found = conn.execute(select(table.c.id, table.c.url).where(key)).first()
    if found is None:
        values = {
            "title": source.title,
            "publisher": source.publisher,
            "published": source.published,
            "url": source.url,
        }
        inserted = conn.execute(table.insert().values(**values))
        key_row = inserted.inserted_primary_key
        assert key_row is not None  # an INSERT always has one
        return int(key_row[0])
    if source.url and found.url != source.url:
        conn.execute(update(table).where(table.c.id == found.id).values(url=source.url))
    return int(found.id)


def _record(
    conn: Connection,
    *,
    indicator_code: str,
    unit_code: str | None,
    period: str,
    value: float,
    source: Source | None,
    note: str,
    now: datetime,
) -> Outcome:
    clean = check_source(source)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"value must be a finite number, got {value!r}")
    kind = conn.scalar(
        select(DigitalIndicator.period_kind).where(DigitalIndicator.code == indicator_code)
    )
    if kind is None:
        raise ValueError(f"unknown indicator {indicator_code!r}")
    canonical = check_period(period, kind)
    unit = (unit_code or "").strip() or None
    if (
        unit is not None
        and conn.scalar(select(AdminUnit.code).where(AdminUnit.code == unit).limit(1)) is None
    ):
        raise ValueError(f"unknown unit {unit!r} (not in the administrative units)")
    source_id = _source_id(conn, clean)
    table = cast(Table, DigitalValue.__table__)
    scope = unit or PROVINCE_SCOPE
    key = (
        (table.c.indicator_code == indicator_code)
        & (table.c.scope == scope)
        & (table.c.period == canonical)
    )
    existing = conn.execute(
        select(table.c.id, table.c.value, table.c.source_id, table.c.note).where(key)
    ).first()
    if existing is None:
        conn.execute(
            table.insert().values(
                indicator_code=indicator_code,
                unit_code=unit,
                scope=scope,
                period=canonical,
                value=number,
                source_id=source_id,
                note=note,
                updated_at=now,
            )
        )
        return Outcome.INSERTED
    if (existing.value, existing.source_id, existing.note) == (number, source_id, note):
        return Outcome.UNCHANGED
    conn.execute(
        update(table)
        .where(table.c.id == existing.id)
        .values(value=number, source_id=source_id, note=note, updated_at=now)
    )
    return Outcome.UPDATED


def record_indicator_value(  # noqa: PLR0917 - the connectors' contract: positional args
    engine_or_conn: Engine | Connection | Session,
    indicator_code: str,
    unit_code: str | None,
    period: str,
    value: float,
    source: Source | None,
    *,
    note: str = "",
    now: datetime | None = None,
) -> Outcome:
    """Store one value of one indicator, with its source; idempotent.

    Contract (for the file import and for pull connectors):

    * ``engine_or_conn`` — an :class:`~sqlalchemy.Engine` (the value is written in its own
      transaction, committed on return), or a :class:`~sqlalchemy.Connection` /
      :class:`~sqlalchemy.orm.Session` (written inside the caller's transaction; the
      caller commits, so a batch can be all-or-nothing).
    * ``indicator_code`` — a code of ``digital_indicators`` (the catalogue must be stored
      first: :func:`ioc.digital.catalogue.store_catalogue`); unknown → ``ValueError``.
    * ``unit_code`` — an administrative unit's code (``admin_units.code``, any validity),
      or ``None``/``""`` for a province-wide value; unknown unit → ``ValueError``.
    * ``period`` — of the indicator's period kind: ``"2024"`` for a yearly indicator;
      another kind (``"2024-Q3"``) → ``ValueError``.
    * ``value`` — a finite number in the indicator's unit of measure (a rank is the
      rank: 9 for "9/63").
    * ``source`` — REQUIRED: :class:`Source` with title, publisher (outlet) and date
      (``YYYY-MM-DD`` or ``YYYY-MM``), URL optional. ``None`` or an incomplete source →
      :class:`MissingSourceError` and nothing is written. Sources are shared by key
      (title, publisher, date).
    * ``note`` — free text shown with the value (e.g. how the figure was read).

    The key is (indicator, unit or province, period): storing the same value and source
    again returns :attr:`Outcome.UNCHANGED`; a different value, source or note replaces the
    stored one (:attr:`Outcome.UPDATED`). Nothing is ever duplicated.
    """
    at = now or utcnow()
    args: dict[str, Any] = {
        "indicator_code": indicator_code,
        "unit_code": unit_code,
        "period": period,
        "value": value,
        "source": source,
        "note": note,
        "now": at,
    }
    if isinstance(engine_or_conn, Engine):
        with engine_or_conn.begin() as conn:
            return _record(conn, **args)
    if isinstance(engine_or_conn, Session):
        return _record(engine_or_conn.connection(), **args)
    return _record(engine_or_conn, **args)
