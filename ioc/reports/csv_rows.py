"""Rows of a report-history CSV: pure parsing and checking, one line at a time.

Columns (header names; extra columns are ignored)::

    id, service_code, created_at, lat, long            required
    description, address, status, first_response_at,  optional
    resolved_at, rating

Times are ISO 8601 (``2025-03-01T08:15:00+07:00``; without an offset: local time) or
``dd/mm/yyyy HH:MM`` (local). ``status`` is one of the workflow statuses or Open311's
``open``/``closed``; ``rating`` is 1–5.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from ioc.reports.categories import Category
from ioc.reports.intake import point_problem
from ioc.reports.workflow import STATUSES
from ioc.timeutil import LOCAL_TZ

REQUIRED = ("id", "service_code", "created_at", "lat", "long")
STATUS_ALIASES = {"open": "received", "closed": "resolved"}


@dataclass(frozen=True)
class CsvReport:
    """One checked line of the file, ready to be routed and stored."""

    line: int
    external_id: str
    service_code: str
    created_at: datetime
    lon: float
    lat: float
    description: str = ""
    address: str = ""
    status: str = "received"
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    rating: int | None = None


@dataclass(frozen=True)
class Rejected:
    """A line that was not imported, and why."""

    line: int
    reason: str


def parse_time(text: str) -> datetime:
    """An aware datetime from ISO 8601 or ``dd/mm/yyyy HH:MM`` (naive means local time)."""
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = datetime.strptime(text, "%d/%m/%Y %H:%M")
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_TZ)


def _optional_time(row: Mapping[str, str], name: str) -> datetime | None:
    text = (row.get(name) or "").strip()
    return parse_time(text) if text else None


def _rating(text: str) -> int | None:
    if not text.strip():
        return None
    value = int(text)
    if not 1 <= value <= 5:
        raise ValueError("rating must be 1..5")
    return value


def _status(text: str) -> str:
    status = STATUS_ALIASES.get(text.strip(), text.strip()) or "received"
    if status not in STATUSES:
        raise ValueError(f"unknown status {text!r}")
    return status


def parse_row(
    line: int, row: Mapping[str, str], categories: Mapping[str, Category], now: datetime
) -> CsvReport | Rejected:
    """A checked report, or why the line is rejected."""
    missing = [name for name in REQUIRED if not (row.get(name) or "").strip()]
    if missing:
        return Rejected(line, f"missing {', '.join(missing)}")
    code = row["service_code"].strip()
    if code not in categories:
        return Rejected(line, f"unknown service_code {code!r}")
    try:
        lat, lon = float(row["lat"]), float(row["long"])
        created = parse_time(row["created_at"])
        first, resolved = (
            _optional_time(row, "first_response_at"),
            _optional_time(row, "resolved_at"),
        )
        status, rating = _status(row.get("status") or ""), _rating(row.get("rating") or "")
    except ValueError as exc:
        return Rejected(line, f"bad value: {exc}")
    problem = point_problem(lon, lat) or _time_problem(created, first, resolved, now)
    if problem:
        return Rejected(line, problem)
    return CsvReport(
        line,
        row["id"].strip()[:64],
        code,
        created,
        lon,
        lat,
        (row.get("description") or "").strip(),
        (row.get("address") or "").strip(),
        status,
        first,
        resolved,
        rating,
    )


def _time_problem(
    created: datetime, first: datetime | None, resolved: datetime | None, now: datetime
) -> str | None:
    if created > now:
        return "created_at is in the future"
    if first is not None and first < created:
        return "first_response_at is before created_at"
    if resolved is not None and resolved < created:
        return "resolved_at is before created_at"
    return None
