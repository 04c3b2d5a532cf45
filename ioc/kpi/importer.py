"""Import a period's dossier export (CSV or Excel) from the one-stop system.

Rows are read with their line numbers, checked one by one (a bad row is rejected with its
reason, the others go on), checked against the units valid on each dossier's receipt
date, then upserted in chunks (idempotent: importing a file twice changes nothing). A
file whose header lacks a required column is refused as a whole.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ioc.kpi.dossiers import DossierIn, UpsertResult, upsert_dossiers
from ioc.kpi.fields import dossier_from_mapping
from ioc.store import Store
from ioc.store.models import AdminUnit
from ioc.timeutil import to_local

REQUIRED = ("dossier_id", "procedure_code", "unit_code", "received_at")
OPTIONAL = (
    "procedure_name",
    "procedure_level",
    "channel",
    "due_at",
    "finished_at",
    "fee_required",
    "paid_online",
    "digitised",
    "result_digitised",
    "e_result",
    "rating",
    "published",
    "event_at",
)
BATCH = 2000
Progress = Callable[[int, int], None]


class ImportFileError(ValueError):
    """The file cannot be imported at all (unreadable, wrong columns)."""


@dataclass(frozen=True)
class Rejected:
    """A row left out: its line in the file (header = line 1) and why."""

    line: int
    dossier_id: str
    reason: str


@dataclass
class ImportReport:
    """What an import did."""

    rows: int = 0
    result: UpsertResult = field(default_factory=UpsertResult)
    rejected: list[Rejected] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def read_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    """The header and ``(line, {column: value})`` rows of a CSV or .xlsx file."""
    if not path.is_file():
        raise ImportFileError(f"no such file: {path}")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _excel_rows(path)
    return _csv_rows(path)


def _csv_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    text = path.read_text(encoding="utf-8-sig")
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    rows = ((n, dict(zip(header, cells, strict=False))) for n, cells in enumerate(reader, 2))
    return header, rows


def _excel_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]  # Excel only

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise ImportFileError(f"not a readable Excel file: {exc}") from exc
    sheet_rows = book.active.iter_rows(values_only=True) if book.active else iter(())
    header = [str(h or "").strip().lower() for h in next(sheet_rows, ())]
    rows = (
        (n, dict(zip(header, cells, strict=False)))
        for n, cells in enumerate(sheet_rows, 2)
        if any(c is not None and str(c).strip() for c in cells)
    )
    return header, rows


def check_header(header: Sequence[str]) -> list[str]:
    """The columns that will be ignored; raises when a required one is missing."""
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFileError(
            f"missing column(s): {', '.join(missing)}; required: {', '.join(REQUIRED)}"
        )
    return [c for c in header if c and c not in REQUIRED + OPTIONAL]


def parse_rows(
    rows: Iterator[tuple[int, dict[str, Any]]], report: ImportReport
) -> list[tuple[int, DossierIn]]:
    """Readable rows, each once; bad rows and repeated dossier ids go to the report."""
    seen: dict[str, int] = {}
    good = []
    for line, raw in rows:
        report.rows += 1
        ident = str(raw.get("dossier_id") or "").strip()
        if ident in seen:
            report.rejected.append(Rejected(line, ident, f"duplicate of line {seen[ident]}"))
            continue
        try:
            record = dossier_from_mapping(raw)
        except ValueError as exc:
            report.rejected.append(Rejected(line, ident, str(exc)))
            continue
        seen[ident] = line
        good.append((line, record))
    return good


UnitSpans = dict[str, list[tuple[date, date | None]]]


def unit_spans(store: Store) -> UnitSpans:
    """Every unit code with its validity periods."""
    spans: UnitSpans = {}
    with store.session() as session:
        for code, start, end in session.execute(
            select(AdminUnit.code, AdminUnit.valid_from, AdminUnit.valid_to)
        ):
            spans.setdefault(code, []).append((start, end))
    return spans


def unit_problem(spans: UnitSpans, record: DossierIn) -> str | None:
    """Why the record's unit is not valid on its receipt day (None when it is)."""
    if not spans:
        return None  # no unit table yet: nothing to check against
    day = to_local(record.received_at).date()
    periods = spans.get(record.unit_code)
    if periods is None:
        return f"unknown unit {record.unit_code!r}"
    if any(start <= day and (end is None or day <= end) for start, end in periods):
        return None
    return f"unit {record.unit_code} is not valid on {day.isoformat()} (administrative reform)"


def import_dossiers(store: Store, path: Path, progress: Progress | None = None) -> ImportReport:
    """Import one file; see the module docstring."""
    header, rows = read_rows(path)
    report = ImportReport(ignored_columns=check_header(header))
    spans = unit_spans(store)
    records = []
    for line, record in parse_rows(rows, report):
        problem = unit_problem(spans, record)
        if problem:
            report.rejected.append(Rejected(line, record.dossier_id, problem))
        else:
            records.append(record)
    report.rejected.sort(key=lambda r: r.line)
    for start in range(0, len(records), BATCH):
        with store.session() as session:
            batch = records[start : start + BATCH]
            report.result.add(upsert_dossiers(session, batch, store.is_postgis))
        if progress:
            progress(min(start + BATCH, len(records)), len(records))
    return report
