"""The procedure catalogue (danh mục TTHC) per unit and period: import and counts.

A CSV or Excel file lists, per ``unit_code`` and ``period`` (``YYYY-MM``, ``YYYY-Qn`` or
``YYYY``), each procedure with its facts (see :data:`COLUMNS`). An import is all or
nothing: any bad line refuses the whole file, listing every problem. Importing replaces
the catalogue of each (unit, period) in the file, so a corrected file can be loaded again.

For a reporting period a unit's catalogue is the one with the latest start that overlaps
the period (a quarterly or yearly catalogue serves its months).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, tuple_
from sqlalchemy.orm import Session

from ioc.kpi.decision766 import CATALOGUES
from ioc.kpi.fields import as_bool, as_int, as_text
from ioc.kpi.importer import ImportFileError, read_rows
from ioc.kpi.periods import Period
from ioc.kpi.ratio import count_if, in_period
from ioc.store.models import Dossier
from ioc.store.models_kpi import CatalogueProcedure
from ioc.timeutil import utcnow

C = CatalogueProcedure
D = Dossier

REQUIRED = ("unit_code", "period", "procedure_code")
FLAGS = (
    "fee",
    "online_payment",
    "population_db",
    "announced",
    "announced_on_time",
    "updated",
    "updated_on_time",
    "published_full",
)
COLUMNS = (*REQUIRED, "procedure_name", "online_level", *FLAGS)
ONLINE_LEVEL = 3  # 3: partly online (một phần), 4: fully online (toàn trình)


@dataclass(frozen=True)
class CatalogueRow:
    """One checked line of a catalogue file."""

    unit_code: str
    period: Period
    procedure_code: str
    procedure_name: str = ""
    online_level: int = 0
    fee: bool = False
    online_payment: bool = False
    population_db: bool = False
    announced: bool = False
    announced_on_time: bool = False
    updated: bool = False
    updated_on_time: bool = False
    published_full: bool = False


class CatalogueFileError(ImportFileError):
    """The file is refused; ``problems`` lists every bad line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def _row(raw: dict[str, Any]) -> CatalogueRow:
    values: dict[str, Any] = {name: as_text(raw.get(name)) for name in REQUIRED}
    if not all(values.values()):
        raise ValueError(f"{', '.join(REQUIRED)} are required")
    values["period"] = Period.parse(values["period"])
    values["procedure_name"] = as_text(raw.get("procedure_name"))
    level = as_int(raw.get("online_level")) or 0
    if not 0 <= level <= 4:
        raise ValueError(f"online_level must be 0-4: {level}")
    values["online_level"] = level
    for name in FLAGS:
        try:
            values[name] = as_bool(raw.get(name))
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
    return CatalogueRow(**values)


def parse_catalogue(rows: Iterator[tuple[int, dict[str, Any]]]) -> list[CatalogueRow]:
    """Every row, or :class:`CatalogueFileError` listing every bad or repeated line."""
    good: list[CatalogueRow] = []
    problems: list[str] = []
    seen: dict[tuple[str, Period, str], int] = {}
    for line, raw in rows:
        try:
            row = _row(raw)
        except ValueError as exc:
            problems.append(f"line {line}: {exc}")
            continue
        key = (row.unit_code, row.period, row.procedure_code)
        if key in seen:
            problems.append(f"line {line}: repeats line {seen[key]}")
        seen[key] = line
        good.append(row)
    if problems:
        raise CatalogueFileError(problems)
    return good


def read_catalogue(path: Path) -> list[CatalogueRow]:
    """The checked rows of a CSV or .xlsx catalogue file."""
    header, rows = read_rows(path)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CatalogueFileError([f"missing column(s): {', '.join(missing)}"])
    return parse_catalogue(rows)


def store_catalogue(session: Session, rows: Sequence[CatalogueRow]) -> int:
    """Replace the catalogue of every (unit, period) in ``rows``; returns rows written."""
    now = utcnow()
    for unit, period in {(r.unit_code, str(r.period)) for r in rows}:
        session.execute(delete(C).where(C.unit_code == unit, C.period == period))
    session.add_all(
        C(
            **{
                **asdict(r),
                "period": str(r.period),
                "period_start": r.period.first_day,
                "imported_at": now,
            }
        )
        for r in rows
    )
    session.flush()
    return len(rows)


def chosen_catalogues(session: Session, period: Period) -> dict[str, str]:
    """``{unit: catalogue period}``: per unit the latest catalogue overlapping ``period``."""
    found = session.execute(
        select(C.unit_code, C.period, C.period_start)
        .where(C.period_start <= period.last_day, C.period_start > date(period.year - 2, 1, 1))
        .group_by(C.unit_code, C.period, C.period_start)
        .order_by(C.period_start)
    ).all()
    chosen: dict[str, str] = {}
    for unit, text, _start in found:
        if Period.parse(text).end_day > period.first_day:
            chosen[unit] = text
    return chosen


def _used(period: Period, condition: Any) -> Any:
    """The catalogue row's procedure had a dossier at its unit in ``period`` meeting it.

    An uncorrelated ``(unit, procedure) IN (SELECT DISTINCT ...)`` over the period's
    dossiers (found by the receipt-date index): PostgreSQL hashes the set once instead of
    probing the dossiers for every catalogue row.
    """
    used = (
        select(D.unit_code, D.procedure_code)
        .where(in_period(D.received_at, period), condition)
        .distinct()
    )
    return tuple_(C.unit_code, C.procedure_code).in_(used)


def catalogue_counts(session: Session, period: Period) -> dict[str, dict[str, int]]:
    """The procedure counts (``proc_*``) of each unit with a catalogue for ``period``."""
    chosen = chosen_catalogues(session, period)
    if not chosen:
        return {}
    online, fee = C.online_level >= ONLINE_LEVEL, C.fee
    measures = {
        "proc_all": func.count(),
        "proc_announced": count_if(C.announced.is_(True)),
        "proc_announced_on_time": count_if(C.announced & C.announced_on_time),
        "proc_updated": count_if(C.updated.is_(True)),
        "proc_updated_on_time": count_if(C.updated & C.updated_on_time),
        "proc_published_full": count_if(C.published_full.is_(True)),
        "proc_online": count_if(online),
        "proc_online_used": count_if(online & _used(period, D.channel == "online")),
        "proc_fee": count_if(fee.is_(True)),
        "proc_fee_payable": count_if(fee & C.online_payment),
        "proc_fee_paid_online": count_if(fee & _used(period, D.paid_online.is_(True))),
        "proc_population": count_if(C.population_db.is_(True)),
    }
    pairs = [and_(C.unit_code == u, C.period == p) for u, p in chosen.items()]
    names = list(measures)
    query = select(C.unit_code, *(measures[n].label(n) for n in names))
    result = {}
    for row in session.execute(query.where(or_(*pairs)).group_by(C.unit_code)):
        counts = {name: int(row[i + 1] or 0) for i, name in enumerate(names)}
        result[str(row[0])] = {**counts, CATALOGUES: 1}
    return result
