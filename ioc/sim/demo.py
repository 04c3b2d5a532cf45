"""Prepare a store for the embedded demo: schema, default geography, demo cameras, and
(SQLite only) one demo account per role and a kiosk token for the Đà Lạt wall."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from ioc.auth.demo import issue_demo_kiosk, seed_demo_accounts
from ioc.config import Settings
from ioc.digital.importer import seed_sample
from ioc.reports.categories import seed_categories
from ioc.sim.dossier_history import backfill
from ioc.sim.province import DEMO_CAMERAS
from ioc.sim.streams import resolve_stream
from ioc.sim.violations import seed_demo_violations
from ioc.store import Store, open_store
from ioc.store.cameras import CameraSpec, camera_count, read_camera_csv, upsert_cameras
from ioc.store.migrate import upgrade
from ioc.store.models import Dossier
from ioc.store.units import unit_at, units_valid_at

log = logging.getLogger(__name__)


def locate_cameras(
    store: Store, specs: list[CameraSpec], at: date, var_dir: Path
) -> list[CameraSpec]:
    """The specs with their unit filled in and demo streams rendered to files."""
    located = []
    for spec in specs:
        unit = unit_at(store, spec.lon, spec.lat, at)
        code = spec.unit_code or (unit.code if unit is not None else None)
        url = resolve_stream(spec.stream_url, var_dir)
        located.append(replace(spec, unit_code=code, stream_url=url))
    return located


def prepare_store(settings: Settings, at: date | None = None) -> Store:
    """Open (and create or migrate) the store; seed geography and cameras when empty."""
    from ioc.geography.defaults import seed_default_units

    store = open_store(settings.database_url, echo=settings.database.echo)
    upgrade(store)
    added = seed_default_units(store)
    if added:
        log.info("seeded %d default administrative units (approximate polygons)", added)
    with store.session() as session:
        empty = camera_count(session) == 0
    if empty:
        specs = locate_cameras(
            store, read_camera_csv(DEMO_CAMERAS), at or date.today(), settings.var_dir
        )
        with store.session() as session:
            log.info("seeded %d demo cameras", upsert_cameras(session, specs))
    with store.session() as session:
        seed_categories(session)
    figures = seed_sample(store)
    if figures:
        log.info("seeded %d digital-transformation figures with their sources", figures)
    seed_dossier_history(store, at or date.today())
    seed_demo_accounts(store)
    seed_demo_violations(store, settings.var_dir)
    kiosk = issue_demo_kiosk(store, settings.var_dir)
    if kiosk:
        base = f"http://{settings.web.host}:{settings.web.port}"
        log.info("demo wall display of Đà Lạt (kiosk, read-only): %s%s", base, kiosk)
    return store


def seed_dossier_history(store: Store, today: date, days: int = 60) -> None:
    """Two months of finished dossiers for every ward, so the KPI pages have a history."""
    with store.session() as session:
        if session.scalar(select(func.count()).select_from(Dossier)):
            return
        units = [u.code for u in units_valid_at(session, today, "commune")]
    result = backfill(store, units, today - timedelta(days=days), today, per_unit_day=2)
    log.info("seeded %d demo dossiers over %d days", result.inserted, days)
