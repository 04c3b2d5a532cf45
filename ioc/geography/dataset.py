"""Commune and ward centres from the ``vietnamadminunits`` package (MIT), both eras.

The package ships a SQLite file with two tables: ``admin_units`` (after the 1 July 2025
reform, 34 provinces, with ward centres and areas) and ``admin_units_legacy`` (before,
63 provinces, with commune centres and bounding boxes), plus ``converter_2025.json`` that
says which old communes each new ward was formed from. This module only reads them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

PACKAGE = "vietnamadminunits"


@dataclass(frozen=True)
class Place:
    """A unit known by its centre: code, name, type, lon/lat and (2025 era) area."""

    code: str
    name: str
    unit_type: str
    lon: float
    lat: float
    parent: str = ""
    key: str = ""
    area_km2: float | None = None


def data_dir() -> Path:
    """The package's data folder (``dataset.db``, ``converter_2025.json``)."""
    return Path(str(resources.files(PACKAGE).joinpath("data")))


def package_version() -> str:
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "unknown"


@contextmanager
def _connect() -> Iterator[sqlite3.Connection]:
    uri = f"file:{data_dir() / 'dataset.db'}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        yield conn


def wards_2025(province_code: str) -> list[Place]:
    """The communes/wards of a province after 1 July 2025, ordered by code."""
    query = (
        "SELECT wardCode, ward, wardType, wardLon, wardLat, provinceCode, wardKey, wardAreaKm2"
        " FROM admin_units WHERE provinceCode = ? ORDER BY wardCode"
    )
    with _connect() as conn:
        rows = conn.execute(query, (province_code,)).fetchall()
    return [Place(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]) for r in rows]


def wards_2025_near(province_code: str, bbox: tuple[float, float, float, float]) -> list[Place]:
    """Wards of other provinces whose centres fall in ``bbox`` (min lon, min lat, max...)."""
    query = (
        "SELECT wardCode, ward, wardType, wardLon, wardLat, provinceCode, wardKey, wardAreaKm2"
        " FROM admin_units WHERE provinceCode != ? AND wardLon BETWEEN ? AND ?"
        " AND wardLat BETWEEN ? AND ? ORDER BY wardCode"
    )
    minx, miny, maxx, maxy = bbox
    with _connect() as conn:
        rows = conn.execute(query, (province_code, minx, maxx, miny, maxy)).fetchall()
    return [Place(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]) for r in rows]


def communes_legacy(province_code: str) -> list[Place]:
    """Communes before 2025, parent = district code as the package has it, key as converter's.

    Communes whose centre the package does not know carry their district's centre instead;
    :func:`has_placeholder_centre` finds them.
    """
    query = (
        "SELECT wardCode, ward, wardType, wardLon, wardLat, districtCode,"
        " provinceKey || '_' || districtKey || '_' || wardKey"
        " FROM admin_units_legacy WHERE provinceCode = ? ORDER BY wardCode"
    )
    with _connect() as conn:
        rows = conn.execute(query, (province_code,)).fetchall()
    return [Place(r[0], r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows]


def legacy_district_centres(province_code: str) -> dict[str, tuple[float, float]]:
    """District code → (lon, lat) of the district centre, as the legacy table has it."""
    query = (
        "SELECT DISTINCT districtCode, districtLon, districtLat FROM admin_units_legacy"
        " WHERE provinceCode = ?"
    )
    with _connect() as conn:
        rows = conn.execute(query, (province_code,)).fetchall()
    return {code: (lon, lat) for code, lon, lat in rows}


def has_placeholder_centre(place: Place, district_centres: dict[str, tuple[float, float]]) -> bool:
    """True when a legacy commune's centre is just its district's centre."""
    return district_centres.get(place.parent) == (place.lon, place.lat)


@lru_cache(maxsize=4)
def predecessors_2025(province_key: str) -> dict[str, tuple[str, ...]]:
    """New ward key → the legacy commune keys it was formed from (whole communes only)."""
    path = data_dir() / "converter_2025.json"
    converter = json.loads(path.read_text(encoding="utf-8"))
    wards = converter["DICT_PROVINCE_WARD_NO_DIVIDED"].get(province_key, {})
    return {key: tuple(sources) for key, sources in wards.items()}


@dataclass(frozen=True)
class LegacyCommune:
    """An old commune with the bounding box the package gives it (None when it only has its
    district's box, i.e. the package does not really know the commune's extent), and its
    district's box."""

    place: Place
    province_key: str
    province_code: str
    bbox: tuple[float, float, float, float] | None
    district_bbox: tuple[float, float, float, float] | None = None


def legacy_communes_by_key(province_keys: Iterable[str]) -> dict[str, LegacyCommune]:
    """Old communes of the provinces named by converter keys (``tinhlamdong``…), by key."""
    keys = sorted(set(province_keys))
    marks = ",".join("?" * len(keys))
    query = (
        "SELECT wardCode, ward, wardType, wardLon, wardLat, districtCode,"
        " provinceKey || '_' || districtKey || '_' || wardKey, provinceKey,"
        " wardBounds, districtBounds, districtLon, districtLat, provinceCode"
        f" FROM admin_units_legacy WHERE provinceKey IN ({marks}) ORDER BY wardCode"
    )
    with _connect() as conn:
        rows = conn.execute(query, keys).fetchall()
    out = {}
    for r in rows:
        place = Place(r[0], r[1], r[2], r[3], r[4], r[5], r[6])
        own_box = r[8] != r[9] and (r[3], r[4]) != (r[10], r[11])
        own = _bbox(r[8]) if own_box else None
        out[place.key] = LegacyCommune(place, r[7], r[12], own, _bbox(r[9]))
    return out


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """The package's "lat,lon – lat,lon" bounds as (min lon, min lat, max lon, max lat)."""
    try:
        south_west, north_east = str(text).split(" – ")
        lat1, lon1 = (float(v) for v in south_west.split(","))
        lat2, lon2 = (float(v) for v in north_east.split(","))
    except ValueError:
        return None
    return min(lon1, lon2), min(lat1, lat2), max(lon1, lon2), max(lat1, lat2)


@dataclass(frozen=True)
class DividedShare:
    """A share of an old commune split between several new wards."""

    ward_key: str
    lon: float
    lat: float
    default: bool


@lru_cache(maxsize=4)
def divided_2025(province_key: str) -> dict[str, tuple[DividedShare, ...]]:
    """Old commune key → the new wards it was divided between (with their centres)."""
    path = data_dir() / "converter_2025.json"
    converter = json.loads(path.read_text(encoding="utf-8"))
    divided = converter["DICT_PROVINCE_WARD_DIVIDED"].get(province_key, {})
    return {
        key: tuple(
            DividedShare(s["newWardKey"], s["newWardLon"], s["newWardLat"], s["isDefaultNewWard"])
            for s in shares
        )
        for key, shares in divided.items()
    }


def province_key_2025(province_code: str) -> str:
    """The converter's key of a post-2025 province (e.g. ``tinhlamdong`` for 68)."""
    query = "SELECT DISTINCT provinceKey FROM admin_units WHERE provinceCode = ?"
    with _connect() as conn:
        (row,) = conn.execute(query, (province_code,)).fetchall()
    return str(row[0])


def legacy_communes_near(
    bbox: tuple[float, float, float, float], exclude_province_keys: Iterable[str]
) -> list[LegacyCommune]:
    """Old communes of other provinces whose centres fall in ``bbox`` (min lon, min lat, …)."""
    excluded = sorted(set(exclude_province_keys))
    marks = ",".join("?" * len(excluded))
    query = (
        "SELECT provinceKey || '_' || districtKey || '_' || wardKey FROM admin_units_legacy"
        f" WHERE provinceKey NOT IN ({marks}) AND wardLon BETWEEN ? AND ?"
        " AND wardLat BETWEEN ? AND ? ORDER BY wardCode"
    )
    minx, miny, maxx, maxy = bbox
    with _connect() as conn:
        keys = [r[0] for r in conn.execute(query, (*excluded, minx, maxx, miny, maxy))]
    found = legacy_communes_by_key({k.split("_", 1)[0] for k in keys})
    return [found[k] for k in keys]
