"""Bulk writing of many reports at once: COPY on PostGIS, executemany on SQLite.

Ids are reserved first (the sequence on PostGIS, ``max(id)`` inside the write transaction
on SQLite), so a report and its status history go in together, in one transaction per
batch: a line is either fully stored or not at all. Each report also gets its ``report.created``
row of the audit log in that transaction (actor ``import``; unit, category, never the text),
written the same bulk way (:func:`ioc.audit.log.copy_many`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import shapely
from sqlalchemy import Connection, func, insert, select, text

from ioc.audit import log as audit_log
from ioc.store import Store
from ioc.store.models import CitizenReport
from ioc.store.models_reports import ReportStatusChange
from ioc.timeutil import utcnow

REPORT_COLUMNS = (
    "id",
    "external_id",
    "service_code",
    "description",
    "status",
    "lon",
    "lat",
    "geom",
    "unit_code",
    "created_at",
    "updated_at",
    "address",
    "source",
    "agency",
    "onsite_due_at",
    "result_due_at",
    "first_response_at",
    "resolved_at",
    "overdue",
    "rating",
    "status_notes",
)
HISTORY_COLUMNS = ("report_id", "from_status", "to_status", "actor", "note", "changed_at")


@dataclass(frozen=True)
class BulkReport:
    """A report row (all of :data:`REPORT_COLUMNS` but ``id`` and ``geom``) and its history."""

    values: dict[str, Any]
    history: Sequence[tuple[str | None, str, str, str, datetime]]  # from, to, actor, note, at


def write_reports(store: Store, reports: Sequence[BulkReport]) -> int:
    """Store ``reports`` and their history in one transaction; returns how many."""
    if not reports:
        return 0
    with store.engine.begin() as connection:
        if store.is_postgis:
            ids = _copy_postgis(connection, reports)
        else:
            ids = _insert_sqlite(connection, reports)
        audit_log.copy_many(connection, _audit_events(ids, reports))
    return len(reports)


def _audit_events(ids: Sequence[int], reports: Sequence[BulkReport]) -> list[audit_log.Event]:
    now = utcnow()
    return [
        audit_log.Event(
            "report.created",
            "import",
            target=f"report:{report_id}",
            unit_code=report.values["unit_code"],
            client="cli",
            detail={
                "category": report.values["service_code"],
                "source": report.values["source"],
                "agency": report.values["agency"],
                "external_id": report.values["external_id"],
                "status": report.values["status"],
            },
            at=now,
        )
        for report_id, report in zip(ids, reports, strict=True)
    ]


def _history_rows(report_id: int, report: BulkReport) -> list[tuple[Any, ...]]:
    return [(report_id, *change) for change in report.history]


def _copy_postgis(connection: Connection, reports: Sequence[BulkReport]) -> list[int]:
    ids = (
        connection.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence('citizen_reports', 'id')) "
                "FROM generate_series(1, :n)"
            ),
            {"n": len(reports)},
        )
        .scalars()
        .all()
    )
    raw = connection.connection.driver_connection
    assert raw is not None
    history: list[tuple[Any, ...]] = []
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY citizen_reports ({', '.join(REPORT_COLUMNS)}) FROM STDIN") as copy:
            for report_id, report in zip(ids, reports, strict=True):
                values = report.values
                values_row = {**values, "id": report_id, "geom": _ewkt(values)}
                copy.write_row([values_row[name] for name in REPORT_COLUMNS])
                history.extend(_history_rows(report_id, report))
        columns = ", ".join(HISTORY_COLUMNS)
        with cursor.copy(f"COPY report_status_changes ({columns}) FROM STDIN") as copy:
            for row in history:
                copy.write_row(row)
    return list(ids)


def _ewkt(values: dict[str, Any]) -> str:
    return f"SRID=4326;POINT({values['lon']!r} {values['lat']!r})"


def _insert_sqlite(connection: Connection, reports: Sequence[BulkReport]) -> list[int]:
    first = int(connection.scalar(select(func.coalesce(func.max(CitizenReport.id), 0))) or 0) + 1
    rows: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    for report_id, report in enumerate(reports, start=first):
        geom = shapely.Point(report.values["lon"], report.values["lat"])
        rows.append({**report.values, "id": report_id, "geom": geom})
        history.extend(
            dict(zip(HISTORY_COLUMNS, row, strict=True)) for row in _history_rows(report_id, report)
        )
    connection.execute(insert(CitizenReport), rows)
    connection.execute(insert(ReportStatusChange), history)
    return list(range(first, first + len(reports)))
