"""Taking reports in: one function for every channel (Open311, MQTT, simulator).

:func:`create_reports` routes each report to the unit its point falls in at its date and to
that unit's agency, starts its SLA clock, suggests likely duplicates, records the
``received`` status, keeps the contact apart and appends one ``report.created`` row per new
report to the audit log (source, unit, category; never the contact or the text), all in the
caller's transaction. It is idempotent on ``external_id`` (the
MQTT ``msg_id`` or the source system's id): a report seen before is returned, not stored
again. Bad items are returned with a ``rejected`` reason, never raised.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.audit import log as audit_log
from ioc.config.reports import ReportsSettings
from ioc.reports.categories import Category, load_categories
from ioc.reports.duplicates import likely_duplicates
from ioc.reports.routing import StoreLocator, UnitInfo, UnitLocator, agency_for, agency_overrides
from ioc.reports.workflow import history_row
from ioc.sla_clock import calendar_from, deadlines
from ioc.store import Store
from ioc.store.models import CitizenReport
from ioc.store.models_reports import ReportContact
from ioc.timeutil import to_local, utcnow

OUTSIDE = "the point is outside the province (no unit contains it at the report's date)"


@dataclass(frozen=True)
class ReportIn:
    """One citizen report as any channel delivers it (times aware; WGS84 lon/lat)."""

    service_code: str
    lon: float
    lat: float
    description: str = ""
    external_id: str | None = None
    created_at: datetime | None = None
    address: str = ""
    source: str = "mqtt"
    media_path: str | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""

    def has_contact(self) -> bool:
        return any((self.first_name, self.last_name, self.email, self.phone))


@dataclass(frozen=True)
class CreatedReport:
    """What became of one :class:`ReportIn`."""

    id: int | None
    external_id: str | None
    created: bool  # False: seen before (same external id) or rejected
    unit_code: str | None = None
    agency: str = ""
    duplicates: tuple[int, ...] = ()
    rejected: str | None = None


def point_problem(lon: float, lat: float) -> str | None:
    """Why ``(lon, lat)`` is not a WGS84 point, or None."""
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return "coordinates must be finite numbers"
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return "coordinates out of range (long -180..180, lat -90..90)"
    return None


def item_problem(item: ReportIn, categories: Mapping[str, Category]) -> str | None:
    """Why an item cannot be stored (before routing), or None."""
    if item.service_code not in categories:
        return f"unknown service_code {item.service_code!r}"
    if item.created_at is not None and item.created_at.tzinfo is None:
        return "created_at must carry a time zone"
    return point_problem(item.lon, item.lat)


def existing_ids(
    session: Session, external_ids: Iterable[str], chunk_size: int = 500
) -> dict[str, int]:
    """Stored reports by external id, for the given ids (``chunk_size`` ids per query)."""
    wanted = sorted(set(external_ids))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), chunk_size):
        chunk = wanted[start : start + chunk_size]
        rows = session.execute(
            select(CitizenReport.external_id, CitizenReport.id).where(
                CitizenReport.external_id.in_(chunk)
            )
        ).all()
        found.update({ext: rid for ext, rid in rows if ext is not None})
    return found


@dataclass
class _Context:
    categories: Mapping[str, Category]
    overrides: Mapping[tuple[str, str], str]
    locator: UnitLocator
    settings: ReportsSettings
    now: datetime


def create_reports(
    session: Session,
    locator: Store | UnitLocator,
    items: Sequence[ReportIn],
    *,
    settings: ReportsSettings | None = None,
    now: datetime | None = None,
    origins: Sequence[tuple[str, str]] | None = None,
) -> list[CreatedReport]:
    """Store new reports (skipping known external ids); one result per item, in order.

    ``origins`` gives each item's audit ``(actor, client)``; by default the item's source.
    """
    context = _Context(
        load_categories(session),
        agency_overrides(session),
        StoreLocator(locator) if isinstance(locator, Store) else locator,
        settings or ReportsSettings(),
        now or utcnow(),
    )
    known = existing_ids(session, (i.external_id for i in items if i.external_id))
    results: list[CreatedReport] = []
    for item in items:
        if item.external_id and item.external_id in known:
            results.append(CreatedReport(known[item.external_id], item.external_id, False))
            continue
        result = _create_one(session, item, context)
        if result.id is not None and item.external_id:
            known[item.external_id] = result.id
        results.append(result)
    _audit(session, items, results, origins or [(i.source, "") for i in items], context.now)
    return results


def _audit(
    session: Session,
    items: Sequence[ReportIn],
    results: Sequence[CreatedReport],
    origins: Sequence[tuple[str, str]],
    now: datetime,
) -> None:
    """One ``report.created`` row per new report, appended together after the batch so the
    chain head is locked once and late (see :func:`ioc.audit.log.append_many`)."""
    events = [
        audit_log.Event(
            "report.created",
            actor,
            target=f"report:{result.id}",
            unit_code=result.unit_code,
            client=client,
            detail={
                "category": item.service_code,
                "source": item.source,
                "agency": result.agency,
                "external_id": item.external_id,
            },
            at=now,
        )
        for item, result, (actor, client) in zip(items, results, origins, strict=True)
        if result.created
    ]
    audit_log.append_many(session, events)


def _create_one(session: Session, item: ReportIn, context: _Context) -> CreatedReport:
    problem = item_problem(item, context.categories)
    if problem is not None:
        return CreatedReport(None, item.external_id, False, rejected=problem)
    created_at = item.created_at or context.now
    unit = context.locator.locate(item.lon, item.lat, to_local(created_at).date())
    if unit is None:
        return CreatedReport(None, item.external_id, False, rejected=OUTSIDE)
    settings = context.settings
    duplicates = likely_duplicates(
        session,
        item.service_code,
        item.lon,
        item.lat,
        created_at,
        radius_m=settings.duplicate_radius_m,
        window=timedelta(hours=settings.duplicate_window_h),
    )
    category = context.categories[item.service_code]
    row = new_row(
        item, category, unit, overrides=context.overrides, created_at=created_at, settings=settings
    )
    session.add(row)
    session.flush()
    session.add(history_row(row.id, None, "received", actor=item.source, note="", at=created_at))
    if item.has_contact():
        session.add(contact_row(row.id, item))
    session.flush()
    return CreatedReport(row.id, item.external_id, True, unit.code, row.agency, tuple(duplicates))


def new_row(
    item: ReportIn,
    category: Category,
    unit: UnitInfo,
    *,
    overrides: Mapping[tuple[str, str], str],
    created_at: datetime,
    settings: ReportsSettings,
) -> CitizenReport:
    """The table row of a routed report with its SLA deadlines."""
    calendar = calendar_from(settings.working_hours, settings.working_days)
    onsite_due, result_due = deadlines(created_at, category.sla, calendar)
    return CitizenReport(
        external_id=item.external_id,
        service_code=item.service_code,
        description=item.description[: settings.max_description_chars],
        status="received",
        lon=item.lon,
        lat=item.lat,
        geom=shapely.Point(item.lon, item.lat),
        unit_code=unit.code,
        unit_nearest=unit.nearest,
        created_at=created_at,
        updated_at=created_at,
        address=item.address,
        source=item.source,
        agency=agency_for(category, unit, overrides),
        media_path=item.media_path,
        attributes=dict(item.attributes) or None,
        onsite_due_at=onsite_due,
        result_due_at=result_due,
        overdue=False,
    )


def contact_row(report_id: int, item: ReportIn) -> ReportContact:
    return ReportContact(
        report_id=report_id,
        first_name=item.first_name[:100],
        last_name=item.last_name[:100],
        email=item.email[:200],
        phone=item.phone[:40],
    )
