"""Duplicate suggestion: a report of the same category within 50 m and 48 h of another.

The store pre-filters on category, time and a bounding box in degrees (both backends);
:func:`distance_m` (haversine) decides. Nothing is merged automatically: the reports are
offered to the operator, who may mark one ``duplicate``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from math import asin, cos, radians, sin, sqrt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.store.models import CitizenReport

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEG_LAT = 111_320.0


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two WGS84 points."""
    dlat, dlon = radians(lat2 - lat1), radians(lon2 - lon1)
    h = sin(dlat / 2) ** 2 + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * asin(min(1.0, sqrt(h)))


def is_likely_duplicate(
    a: tuple[str, float, float, datetime],
    b: tuple[str, float, float, datetime],
    radius_m: float = 50,
    window: timedelta = timedelta(hours=48),
) -> bool:
    """Whether two ``(category, lon, lat, time)`` reports are probably the same matter."""
    return (
        a[0] == b[0]
        and abs(a[3] - b[3]) <= window
        and distance_m(a[1], a[2], b[1], b[2]) <= radius_m
    )


def likely_duplicates(
    session: Session,
    service_code: str,
    lon: float,
    lat: float,
    at: datetime,
    *,
    radius_m: float = 50,
    window: timedelta = timedelta(hours=48),
    exclude_id: int | None = None,
) -> list[int]:
    """Ids of stored reports that are likely duplicates of this one, nearest first."""
    dlat = radius_m / METRES_PER_DEG_LAT
    dlon = dlat / max(cos(radians(lat)), 1e-6)
    rows = session.execute(
        select(CitizenReport.id, CitizenReport.lon, CitizenReport.lat).where(
            CitizenReport.service_code == service_code,
            CitizenReport.created_at >= at - window,
            CitizenReport.created_at <= at + window,
            CitizenReport.lon.between(lon - dlon, lon + dlon),
            CitizenReport.lat.between(lat - dlat, lat + dlat),
        )
    ).all()
    near = [
        (distance_m(lon, lat, r_lon, r_lat), r_id)
        for r_id, r_lon, r_lat in rows
        if r_id != exclude_id
    ]
    return [r_id for dist, r_id in sorted(near) if dist <= radius_m]
