"""Shared helpers of the citizen-report tests: seeded store, made-up photos, an app."""

from __future__ import annotations

import struct
from datetime import datetime
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ioc.config import Settings
from ioc.geography.defaults import build_default_units, seed_default_units
from ioc.reports.categories import seed_categories
from ioc.store import Store
from ioc.store.models import CitizenReport
from ioc.store.units import KM_PER_DEGREE
from ioc.web.app import create_app
from testkit.helpers import point

HO_XUAN_HUONG = (108.4419, 11.9404)  # Đà Lạt, Phường Xuân Hương after 2025
HANOI = (105.8542, 21.0285)


def outside_the_province(km: float) -> tuple[float, float]:
    """A point about ``km`` kilometres outside the default 2025 province (east of it)."""
    province = next(
        u.geom for u in build_default_units() if u.level == "province" and u.valid_to is None
    )
    main = max(province.geoms, key=lambda part: part.area)
    ring = main.buffer(km / KM_PER_DEGREE).exterior
    lon, lat = max(ring.coords, key=lambda xy: xy[0])
    return float(lon), float(lat)


def seed(store: Store) -> None:
    """The default geography of both eras and the shipped categories."""
    seed_default_units(store)
    with store.session() as session:
        seed_categories(session)


def add_report(
    store: Store, unit: str, created: datetime, status: str = "received", **values: Any
) -> int:
    """A report row written directly (no routing, no SLA computation); returns its id."""
    lon, lat = HO_XUAN_HUONG
    row = CitizenReport(
        service_code="moi_truong",
        status=status,
        lon=lon,
        lat=lat,
        geom=point(lon, lat),
        unit_code=unit,
        created_at=created,
        updated_at=created,
        **values,
    )
    with store.session() as session:
        session.add(row)
        session.flush()
        return row.id


def client(store: Store, var_dir: Path) -> Any:
    """A Flask test client of the whole dashboard app over ``store``."""
    return create_app(Settings(var_dir=var_dir), store).server.test_client()


def jpeg(width: int = 64, height: int = 48) -> bytes:
    pixels = np.zeros((height, width, 3), dtype=np.uint8)
    pixels[:, : width // 2] = (40, 160, 60)
    ok, data = cv2.imencode(".jpg", pixels)
    assert ok
    return bytes(data.tobytes())


def png() -> bytes:
    ok, data = cv2.imencode(".png", np.full((20, 30, 3), 200, dtype=np.uint8))
    assert ok
    return bytes(data.tobytes())


def _rational(value: float) -> bytes:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60 * 1000)
    return struct.pack("<6I", degrees, 1, minutes, 1, seconds, 1000)


def exif_gps_app1(lon: float, lat: float) -> bytes:
    """An APP1 segment with a little-endian TIFF holding only GPS lat/long."""
    ifd0 = struct.pack("<H", 1) + struct.pack("<HHII", 0x8825, 4, 1, 26) + b"\0\0\0\0"
    gps_start = 26
    data_start = gps_start + 2 + 4 * 12 + 4
    gps = struct.pack("<H", 4)
    gps += struct.pack("<HHI", 1, 2, 2) + (b"S" if lat < 0 else b"N") + b"\0\0\0"
    gps += struct.pack("<HHII", 2, 5, 3, data_start)
    gps += struct.pack("<HHI", 3, 2, 2) + (b"W" if lon < 0 else b"E") + b"\0\0\0"
    gps += struct.pack("<HHII", 4, 5, 3, data_start + 24) + b"\0\0\0\0"
    tiff = b"II*\0" + struct.pack("<I", 8) + ifd0 + gps + _rational(abs(lat)) + _rational(abs(lon))
    body = b"Exif\0\0" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


def jpeg_with_gps(lon: float, lat: float) -> bytes:
    plain = jpeg()
    return plain[:2] + exif_gps_app1(lon, lat) + plain[2:]
