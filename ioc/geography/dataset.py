"""Commune and ward centres from the ``vietnamadminunits`` package (MIT), both eras.

The package ships a SQLite file with two tables: ``admin_units`` (after the 1 July 2025
reform, 34 provinces, with ward centres and areas) and ``admin_units_legacy`` (before,
63 provinces, with commune centres and bounding boxes), plus ``converter_2025.json`` that
says which old communes each new ward was formed from. This module only reads them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
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
