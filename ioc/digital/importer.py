"""``ioc digital import FILE``: indicator values from CSV or Excel, each with its source.

Columns (header names, any order; see docs/digital-board.md)::

    indicator, unit, period, value, source_title, source_publisher, source_date,
    source_url, note

``unit`` empty means province-wide; ``source_url`` and ``note`` are optional. A row
without a source is refused, naming its line. The file is all-or-nothing: if any row is
refused, nothing is stored and every refused row is listed. Re-importing the same file
changes nothing (values are keyed on indicator, unit and period).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select

from ioc.digital.catalogue import SAMPLE_FILE, Indicator, load_indicators, store_catalogue
from ioc.digital.values import (
    MissingSourceError,
    Outcome,
    Source,
    check_period,
    record_indicator_value,
)
from ioc.kpi.importer import ImportFileError, read_rows
from ioc.store import Store
from ioc.store.models_digital import DigitalValue

REQUIRED = ("indicator", "period", "value")
SOURCE_COLUMNS = ("source_title", "source_publisher", "source_date")
OPTIONAL = ("unit", "source_url", "note")
Progress = Callable[[int, int], None]
THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


class ValueFileError(ValueError):
    """The file is refused; ``problems`` names every refused row (``line N: ...``)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class ValueRow:
    """One checked row of a value file."""

    line: int
    indicator: str
    unit: str | None
    period: str
    value: float
    source: Source
    note: str = ""


@dataclass
class ImportResult:
    rows: int = 0
    outcomes: Counter[Outcome] = field(default_factory=Counter)
    ignored_columns: list[str] = field(default_factory=list)
    sources: int = 0


def _text(raw: Any) -> str:
    """A cell as text (Excel gives numbers and dates; ``2024.0`` reads as ``2024``)."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if hasattr(raw, "strftime"):
        return str(raw.strftime("%Y-%m-%d"))
    return str(raw).strip()


def _number(text: str) -> float:
    """A number as Vietnamese files write it: ``1.730`` (dots grouping thousands),
    ``96,5`` and ``1.730,5`` (decimal comma); ``96.5`` with one dot is a decimal point."""
    clean = text.replace(" ", "").replace("\u00a0", "").removesuffix("%")
    if "," in clean:
        clean = clean.replace(".", "").replace(",", ".")
    elif THOUSANDS.match(clean):
        clean = clean.replace(".", "")
    return float(clean)


def parse_row(line: int, raw: dict[str, Any], indicators: dict[str, Indicator]) -> ValueRow:
    """One row checked against the catalogue, or ``ValueError("line N: ...")``."""
    cells = {k: _text(v) for k, v in raw.items() if k}
    code = cells.get("indicator", "")
    if not code:
        raise ValueError(f"line {line}: no indicator")
    indicator = indicators.get(code)
    if indicator is None:
        raise ValueError(f"line {line} [{code}]: unknown indicator (see the catalogue)")
    source = Source(
        cells.get("source_title", ""),
        cells.get("source_publisher", ""),
        cells.get("source_date", ""),
        cells.get("source_url") or None,
    )
    problems = source.problems()
    if problems:
        raise ValueError(
            f"line {line} [{code}]: refused, no source — missing or bad {', '.join(problems)}"
        )
    try:
        period = check_period(cells.get("period", ""), indicator.period_kind)
    except ValueError as exc:
        raise ValueError(f"line {line} [{code}]: {exc}") from None
    try:
        value = _number(cells.get("value", ""))
    except ValueError:
        raise ValueError(
            f"line {line} [{code}]: value {cells.get('value')!r} is not a number"
        ) from None
    if not math.isfinite(value):
        raise ValueError(f"line {line} [{code}]: value must be a finite number")
    unit = cells.get("unit") or None
    return ValueRow(line, code, unit, period, value, source.cleaned(), cells.get("note", ""))


def parse_rows(
    rows: Iterator[tuple[int, dict[str, Any]]], indicators: dict[str, Indicator]
) -> list[ValueRow]:
    """Every row, or :class:`ValueFileError` listing every refused one."""
    good: list[ValueRow] = []
    problems: list[str] = []
    seen: dict[tuple[str, str | None, str], int] = {}
    for line, raw in rows:
        try:
            row = parse_row(line, raw, indicators)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        key = (row.indicator, row.unit, row.period)
        if key in seen:
            problems.append(f"line {line} [{row.indicator}]: repeats line {seen[key]}")
            continue
        seen[key] = line
        good.append(row)
    if problems:
        raise ValueFileError(problems)
    return good


def read_value_file(
    path: Path, indicators: dict[str, Indicator]
) -> tuple[list[ValueRow], list[str]]:
    """The checked rows of a CSV/.xlsx file and the columns that will be ignored."""
    try:
        header, rows = read_rows(path)
    except ImportFileError as exc:
        raise ValueFileError([str(exc)]) from None
    missing = [c for c in REQUIRED + SOURCE_COLUMNS if c not in header]
    if missing:
        raise ValueFileError([f"missing column(s): {', '.join(missing)}"])
    ignored = [c for c in header if c and c not in REQUIRED + SOURCE_COLUMNS + OPTIONAL]
    return parse_rows(rows, indicators), ignored


def store_rows(
    conn: Connection, rows: list[ValueRow], progress: Progress | None = None
) -> Counter[Outcome]:
    """Write the rows in the caller's transaction; a refused unit raises ``ValueFileError``."""
    outcomes: Counter[Outcome] = Counter()
    problems = []
    for done, row in enumerate(rows, start=1):
        try:
            outcomes[
                record_indicator_value(
                    conn, row.indicator, row.unit, row.period, row.value, row.source, note=row.note
                )
            ] += 1
        except (MissingSourceError, ValueError) as exc:
            problems.append(f"line {row.line} [{row.indicator}]: {exc}")
        if progress is not None:
            progress(done, len(rows))
    if problems:
        raise ValueFileError(problems)
    return outcomes


def import_values(
    store: Store,
    path: Path,
    progress: Progress | None = None,
    catalogue: Sequence[Indicator] | None = None,
) -> ImportResult:
    """Store the catalogue (the shipped one by default), then the file's values (all of
    them or none)."""
    with store.engine.begin() as conn:
        store_catalogue(conn, catalogue)
        indicators = {i.code: i for i in load_indicators(conn)}
    rows, ignored = read_value_file(path, indicators)
    result = ImportResult(rows=len(rows), ignored_columns=ignored)
    with store.engine.begin() as conn:
        result.outcomes = store_rows(conn, rows, progress)
    result.sources = len({(r.source.title, r.source.publisher, r.source.published) for r in rows})
    return result


def seed_sample(store: Store) -> int:
    """The shipped catalogue and, into a store without values, the shipped sample figures
    (``data/digital/sample_values.csv``); returns how many values were added."""
    with store.engine.begin() as conn:
        store_catalogue(conn)
        if conn.scalar(select(func.count()).select_from(DigitalValue)):
            return 0
    return import_values(store, SAMPLE_FILE).outcomes[Outcome.INSERTED]
