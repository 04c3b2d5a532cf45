"""Reading the operations map's data and its versions (province-wide or for one unit).

:func:`versions` is the cheap "did anything change?" look a page takes on every tick;
:func:`read_map_data` reads only the layers it is asked for. :func:`metric_values`
colours units by a Decision 766 score, falling back to camera counts without dossiers.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ioc import cache
from ioc.aggregates import feeds
from ioc.app_context import current_settings
from ioc.auth.scope import unit_scope
from ioc.camera_status import CameraStatus
from ioc.i18n import t
from ioc.kpi.ratio import PROVINCE
from ioc.pages.kpi_cache import (
    RUNNING_TTL_S,
    latest_scores,
    metric_name,
    metric_of,
    unit_metrics,
)
from ioc.pages.overview_map import LAYER_NAMES, MapData
from ioc.pages.panels import Card, number
from ioc.store.cameras import CameraState, camera_rows, camera_states, state_of
from ioc.store.models import AdminUnit
from ioc.store.units import LEVEL_RANK, units_valid_at
from ioc.timeutil import to_local

LAST_DAY_OF_DISTRICTS = date(2025, 6, 30)
HEARTBEAT_SHOWN_S = 60  # the heartbeat times in camera hover texts may be this old


@dataclass(frozen=True)
class Areas:
    """The boundaries on the map: units valid today and the districts before 2025."""

    current: Sequence[AdminUnit]
    districts: Sequence[AdminUnit]


PAGE_CACHE_S = 600.0  # the pages' version-keyed caches: a bound on memory, not on freshness
_AREAS: cache.Cache[Areas] = cache.register(
    "pages.areas",
    holds="today's map units and the pre-2025 districts, decoded, by database, day and "
    "units version",
    stale_when="never within its key (units imported: a new units version); emptied on "
    "the units event",
    ttl_s=PAGE_CACHE_S,
    limit=8,
    events=("units",),
)


def units_version(session: Session) -> str:
    """Changes whenever units are imported, replaced or removed (one small look)."""
    row = session.execute(select(func.count(AdminUnit.id), func.max(AdminUnit.id))).one()
    return f"{row[0]}|{row[1]}"


def load_areas(session: Session, today: date) -> Areas:
    """Today's most detailed units (wards/communes after 2025) and the old districts.

    Read once per day and units version in this process (boundaries change once in years;
    decoding a province of polygons on every first map load cost more than drawing it).
    """
    key = (str(session.get_bind().engine.url), str(today), units_version(session))
    found = _AREAS.get(key)
    if found is None:
        found = _read_areas(session, today)
        for unit in (*found.current, *found.districts):
            session.expunge(unit)  # kept beyond this session, read-only
        _AREAS.put(key, found)
    return found


def _read_areas(session: Session, today: date) -> Areas:
    valid = [unit for unit in units_valid_at(session, today) if unit.level != "province"]
    deepest = max((LEVEL_RANK.get(unit.level, 0) for unit in valid), default=0)
    current = [unit for unit in valid if LEVEL_RANK.get(unit.level, 0) == deepest]
    districts = units_valid_at(session, LAST_DAY_OF_DISTRICTS, level="district")
    return Areas(current, districts)


def unit_names(session: Session) -> dict[str, str]:
    """Name of every unit code of every era, the newest era winning."""
    rows = session.execute(
        select(AdminUnit.code, AdminUnit.name).order_by(AdminUnit.valid_from)
    ).all()
    return {code: name for code, name in rows}


def visible_fingerprint(states: Sequence[CameraState], now: datetime) -> str:
    """What the pages show of the cameras: changes with a status, a detection, a camera
    added or moved — not with every heartbeat (hundreds a minute in a province), whose
    times in the hover texts are refreshed once a minute (``HEARTBEAT_SHOWN_S``)."""
    seen = [
        (
            s.id,
            s.name,
            s.unit_code,
            s.lon,
            s.lat,
            s.status.value,
            s.health,
            s.direction_deg,
            s.fov_deg,
            s.last_detection_at.isoformat() if s.last_detection_at else "",
        )
        for s in states
    ]
    digest = hashlib.blake2b(repr(seen).encode(), digest_size=8).hexdigest()
    return f"{digest}|{int(now.timestamp() // HEARTBEAT_SHOWN_S)}"


@dataclass
class _CameraBook:
    """This process's copy of the camera rows, brought up to date incrementally."""

    rows: dict[str, Any]
    newest: datetime | None
    loaded: float  # time.monotonic() of the last full read


FULL_READ_S = 15  # a full read now and then also sees registry edits and removed cameras
_BOOKS: cache.Cache[_CameraBook] = cache.register(
    "pages.camera_book",
    holds="this process's copy of the camera rows by database (a mutable record, changed "
    "only under its lock)",
    stale_when=f"rows changed since the last look are read on every use; the whole table "
    f"every {FULL_READ_S} s",
    ttl_s=PAGE_CACHE_S,
    limit=8,
)
_BOOK_LOCK = threading.Lock()
OVERLAP = timedelta(seconds=2)  # rows committed a little after a later-stamped one


def current_states(session: Session, now: datetime) -> list[CameraState]:
    """Every camera's state at ``now``: only the rows changed since this process's last
    look are read (heartbeats change a few rows a second; pages look every second), and
    the whole table every ``FULL_READ_S``."""
    key = (str(session.get_bind().engine.url),)
    with _BOOK_LOCK:
        book = _BOOKS.get(key)
        clock = time.monotonic()
        if book is None or clock - book.loaded > FULL_READ_S:
            rows = camera_rows(session)
            book = _CameraBook({r.id: r for r in rows}, None, clock)
            _BOOKS.put(key, book)
        else:
            rows = camera_rows(session, book.newest - OVERLAP if book.newest else None)
            book.rows.update((r.id, r) for r in rows)
        stamps = [r.updated_at for r in rows if r.updated_at is not None]
        book.newest = max([*stamps, *([book.newest] if book.newest else [])], default=None)
        ordered = [book.rows[name] for name in sorted(book.rows)]
    status = current_settings().cameras
    return [state_of(row, now, status) for row in ordered]


def camera_version(session: Session, now: datetime) -> str:
    """The cameras' version the pages compare (see :func:`visible_fingerprint`); the
    states behind it are kept for :func:`read_states` under that version."""
    states = current_states(session, now)
    url = str(session.get_bind().engine.url)
    fingerprint = visible_fingerprint(states, now)
    if _STATES.get((url, fingerprint)) is None:
        _STATES.put((url, fingerprint), states)
    return fingerprint


def versions(session: Session, now: datetime, unit: str | None = None) -> dict[str, str]:
    """One short text per feed; a feed whose text moved must be re-read."""
    return {
        "cameras": camera_version(session, now),
        "incidents": feeds.incidents_version(session, unit),
        "reports": feeds.reports_version(session, unit),
        "sensors": feeds.sensors_version(session, now),
        "kpi": str(int(now.timestamp() // RUNNING_TTL_S)),
    }


def changed_feeds(old: dict[str, str] | None, new: dict[str, str]) -> set[str]:
    if not isinstance(old, dict):
        return set(new)
    return {key for key, value in new.items() if old.get(key) != value}


_STATES: cache.Cache[list[CameraState]] = cache.register(
    "pages.camera_states",
    holds="every camera's state by database and the cameras' visible fingerprint",
    stale_when="never within its key (a status, detection or camera change is a new fingerprint)",
    ttl_s=PAGE_CACHE_S,
    limit=16,
)


def read_states(
    session: Session, now: datetime, unit: str | None = None, version: str | None = None
) -> list[CameraState]:
    """Every camera's state (of one unit and the units below or after it, or all). With the
    pages' cameras' version (:func:`camera_version`) they are those that version was
    computed from."""
    key = (str(session.get_bind().engine.url), version or "")
    states = _STATES.get(key) if version else None
    if states is None:
        states = camera_states(session, now, current_settings().cameras)
        if version:
            _STATES.put(key, states)
    if unit is None:
        return states
    codes = unit_scope(session, unit)
    return [s for s in states if s.unit_code in codes]


def metric_values(
    session: Session, metric: str, now: datetime, lang: str, codes: Sequence[str]
) -> tuple[dict[str, float | None], str, bool]:
    """(values by unit code, label, whether they are counts) for the chosen metric."""
    if metric != "cameras":
        period, scores = latest_scores(session, now)
        values = {code: metric_of(scores.get(code), metric) for code in codes}
        if any(v is not None for v in values.values()):
            return values, f"{metric_name(metric, lang)} ({period})", False
    cameras = feeds.cameras_per_unit(session)
    label = t("metric.cameras", lang) if metric == "cameras" else t("metric.fallback", lang)
    return {code: cameras.get(code, 0.0) for code in codes}, label, True


def read_map_data(
    session: Session,
    now: datetime,
    lang: str,
    *,
    areas: Areas,
    metric: str,
    parts: set[str],
    layers: Sequence[str] | None,
    unit: str | None = None,
    versions: Mapping[str, str] | None = None,
) -> MapData:
    """The map's data; only the feeds named in ``parts`` are read (others stay empty)."""
    values, label, is_count = (
        metric_values(session, metric, now, lang, [a.code for a in areas.current])
        if "areas" in parts
        else ({}, "", False)
    )
    return MapData(
        areas=areas.current,
        districts=areas.districts,
        values=values,
        metric_label=label,
        counts_metric=is_count,
        states=(
            read_states(session, now, unit, (versions or {}).get("cameras"))
            if "cameras" in parts
            else []
        ),
        names=unit_names(session),
        incidents=feeds.open_incidents(session, unit) if "incidents" in parts else [],
        reports=(
            feeds.report_layer(session, now, unit, (versions or {}).get("reports"))
            if "reports" in parts
            else []
        ),
        sensors=(
            readings_in(feeds.latest_readings(session, now), areas.current if unit else None)
            if "sensors" in parts
            else []
        ),
        layers=list(LAYER_NAMES) if layers is None else list(layers),
    )


def readings_in(
    readings: Sequence[feeds.StationReading], areas: Sequence[AdminUnit] | None
) -> list[feeds.StationReading]:
    """The stations inside ``areas`` (a unit's map shows no station of another unit);
    every station when ``areas`` is None (the province)."""
    if areas is None:
        return list(readings)
    shapes = [a.geom for a in areas if a.geom is not None]
    if not shapes:
        return []
    area = shapely.union_all(shapes)
    return [r for r in readings if area.covers(shapely.Point(r.lon, r.lat))]


def summary_cards(
    session: Session,
    now: datetime,
    states: Sequence[CameraState],
    lang: str,
    unit: str | None = None,
    *,
    versions: Mapping[str, str] | None = None,
) -> list[Card]:
    """Index, open incidents, open and overdue reports, cameras online.

    With the feeds' ``versions`` the report counts are the shared aggregate of the
    reports' version instead of a count of every open report.
    """
    _period, scores = latest_scores(session, now)
    found, is_area = unit_metrics(scores, unit or PROVINCE)
    index = metric_of(found, "total")
    open_reports, overdue = feeds.report_counts(session, now, unit, (versions or {}).get("reports"))
    incidents = feeds.open_incident_count(session, unit)
    online = sum(s.status is not CameraStatus.OFFLINE for s in states)
    return [
        Card(
            "index",
            t("card.index.area" if is_area else "card.index", lang),
            number(index),
            "accent",
        ),
        Card(
            "incidents", t("card.incidents", lang), str(incidents), "alarm" if incidents else "ok"
        ),
        Card("reports", t("card.reports", lang), number(open_reports, 0), "neutral"),
        Card("overdue", t("card.overdue", lang), number(overdue, 0), "alarm" if overdue else "ok"),
        Card("cameras", t("card.cameras", lang), f"{online}/{len(states)}", "ok"),
    ]


def local_today(now: datetime) -> date:
    return to_local(now).date()


def ranking_rows(
    session: Session, now: datetime, metric: str, areas: Sequence[AdminUnit]
) -> list[tuple[str, str, float | None]]:
    """``(code, name, value)`` of each current unit for the chosen KPI (cached scores)."""
    _period, scores = latest_scores(session, now)
    key = "total" if metric == "cameras" else metric
    return [(a.code, a.name, metric_of(scores.get(a.code), key)) for a in areas]
