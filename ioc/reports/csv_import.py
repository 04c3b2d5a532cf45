"""``ioc reports import FILE.csv``: an existing system's report history, fast and checked.

Lines are parsed and checked one by one (:mod:`ioc.reports.csv_rows`), routed in bulk with
an in-memory STRtree of the units valid at each report's date, given their agency and SLA
deadlines, and written in batches (COPY on PostGIS). Rejected lines are listed with their
line number and reason; known ids (an earlier import) are skipped, so a re-run is safe.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ioc.config.reports import ReportsSettings
from ioc.reports.bulk import BulkReport, write_reports
from ioc.reports.categories import Category, load_categories
from ioc.reports.csv_rows import CsvReport, Rejected, parse_row
from ioc.reports.intake import OUTSIDE, existing_ids
from ioc.reports.routing import TreeLocator, UnitInfo, agency_for, agency_overrides
from ioc.reports.workflow import RESPONDED
from ioc.sla_clock import CLOSED_STATUSES, WorkCalendar, calendar_from, deadlines
from ioc.store import Store
from ioc.timeutil import to_local, utcnow

Progress = Callable[[int], None]


@dataclass
class ImportSummary:
    """What an import did: rows stored, skipped as known, and rejected with reasons."""

    imported: int = 0
    skipped: int = 0
    rejected: list[Rejected] = field(default_factory=list)


@dataclass(frozen=True)
class _Context:
    categories: Mapping[str, Category]
    overrides: Mapping[tuple[str, str], str]
    calendar: WorkCalendar
    locator: TreeLocator


def read_lines(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line number, row)`` of a UTF-8 CSV file (BOM allowed), header on line 1."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            yield reader.line_num, row


def import_csv(
    store: Store,
    path: Path,
    *,
    settings: ReportsSettings | None = None,
    progress: Progress | None = None,
    batch_size: int = 20_000,
    now: datetime | None = None,
) -> ImportSummary:
    """Import every good line of ``path``; see the module docstring."""
    chosen = settings or ReportsSettings()
    with store.session() as session:
        context = _Context(
            load_categories(session),
            agency_overrides(session),
            calendar_from(chosen.working_hours, chosen.working_days),
            TreeLocator.load(session),
        )
    summary, batch, seen = ImportSummary(), list[CsvReport](), dict[str, int]()
    moment = now or utcnow()
    for line, row in read_lines(path):
        if progress is not None:
            progress(1)
        parsed = parse_row(line, row, context.categories, moment)
        if isinstance(parsed, CsvReport) and parsed.external_id in seen:
            parsed = Rejected(line, f"id repeats line {seen[parsed.external_id]}")
        if isinstance(parsed, Rejected):
            summary.rejected.append(parsed)
            continue
        seen[parsed.external_id] = line
        batch.append(parsed)
        if len(batch) >= batch_size:
            _flush(store, batch, context, summary)
    _flush(store, batch, context, summary)
    if store.is_postgis and summary.imported:
        with store.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE citizen_reports")
    summary.rejected.sort(key=lambda r: r.line)
    return summary


def _flush(
    store: Store,
    batch: list[CsvReport],
    context: _Context,
    summary: ImportSummary,
) -> None:
    if not batch:
        return
    with store.session() as session:
        # One query per batch on PostGIS: many small ones each scan a freshly loaded table.
        chunk = 30_000 if store.is_postgis else 500
        known = existing_ids(session, (r.external_id for r in batch), chunk)
    fresh = [r for r in batch if r.external_id not in known]
    summary.skipped += len(batch) - len(fresh)
    units = context.locator.locate_many(
        [(r.lon, r.lat, to_local(r.created_at).date()) for r in fresh]
    )
    ready = []
    for report, unit in zip(fresh, units, strict=True):
        if unit is None:
            summary.rejected.append(Rejected(report.line, OUTSIDE))
        else:
            ready.append(bulk_report(report, unit, context))
    summary.imported += write_reports(store, ready)
    batch.clear()


def bulk_report(report: CsvReport, unit: UnitInfo, context: _Context) -> BulkReport:
    """The row and history of one routed CSV report."""
    category = context.categories[report.service_code]
    onsite_due, result_due = deadlines(report.created_at, category.sla, context.calendar)
    first = report.first_response_at
    if first is None and report.status in RESPONDED:
        first = report.resolved_at
    closed = report.status in CLOSED_STATUSES
    changed = (report.resolved_at if closed else None) or first or report.created_at
    values = {
        "external_id": report.external_id,
        "service_code": report.service_code,
        "description": report.description,
        "status": report.status,
        "lon": report.lon,
        "lat": report.lat,
        "unit_code": unit.code,
        "created_at": report.created_at,
        "updated_at": changed,
        "address": report.address,
        "source": "import",
        "agency": agency_for(category, unit, context.overrides),
        "onsite_due_at": onsite_due,
        "result_due_at": result_due,
        "first_response_at": first,
        "resolved_at": report.resolved_at if closed else None,
        "overdue": False,
        "rating": report.rating,
        "status_notes": "",
    }
    return BulkReport(values, _history(report, changed))


def _history(
    report: CsvReport, changed: datetime
) -> Sequence[tuple[str | None, str, str, str, datetime]]:
    received = (None, "received", "import", "", report.created_at)
    if report.status == "received":
        return [received]
    return [received, ("received", report.status, "import", "imported status", changed)]
