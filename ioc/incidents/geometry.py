"""Camera view cones and box overlap: the spatial half of incident grouping (pure).

A cone is a circular sector from the camera's position along its heading, ``fov_deg``
wide and a few km long, built in a local metric frame (equirectangular around the camera;
good to well under 1% at these distances) and returned as a WGS84 shapely polygon.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import shapely

EARTH_M_PER_DEG = 111_320.0
ARC_STEPS = 16


def metres_to_degrees(lat: float, east_m: float, north_m: float) -> tuple[float, float]:
    """A local metric offset as (dlon, dlat) degrees at latitude ``lat``."""
    dlat = north_m / EARTH_M_PER_DEG
    dlon = east_m / (EARTH_M_PER_DEG * math.cos(math.radians(lat)))
    return dlon, dlat


def view_cone(
    lon: float, lat: float, direction_deg: float | None, fov_deg: float | None, km: float
) -> shapely.Polygon | None:
    """The camera's view sector (heading clockwise from north), or None without a heading."""
    if direction_deg is None or fov_deg is None or fov_deg <= 0:
        return None
    half = min(fov_deg, 359.0) / 2
    points = [(lon, lat)]
    for step in range(ARC_STEPS + 1):
        bearing = math.radians(direction_deg - half + step * (2 * half) / ARC_STEPS)
        dlon, dlat = metres_to_degrees(
            lat, km * 1000 * math.sin(bearing), km * 1000 * math.cos(bearing)
        )
        points.append((lon + dlon, lat + dlat))
    return shapely.Polygon(points)


def box_overlap(a: Sequence[float] | None, b: Sequence[float] | None) -> float:
    """Intersection of two ``[x, y, w, h]`` boxes as a share of the smaller one (0..1).

    A missing box counts as the whole frame, so a box-less detection overlaps anything.
    """
    ax, ay, aw, ah = a if a is not None else (0.0, 0.0, 1.0, 1.0)
    bx, by, bw, bh = b if b is not None else (0.0, 0.0, 1.0, 1.0)
    iw = min(ax + aw, bx + bw) - max(ax, bx)
    ih = min(ay + ah, by + bh) - max(ay, by)
    if iw <= 0 or ih <= 0:
        return 0.0
    smaller = min(aw * ah, bw * bh)
    return 1.0 if smaller <= 0 else min(1.0, iw * ih / smaller)


def cones_cross(a: shapely.Polygon | None, b: shapely.Polygon | None) -> bool:
    """Whether two view cones share ground (beyond touching at a point or edge)."""
    if a is None or b is None:
        return False
    return bool(a.intersects(b)) and a.intersection(b).area > 0


def crossing_point(cones: Sequence[shapely.Polygon]) -> tuple[float, float] | None:
    """Centre of the ground every cone sees, or None when they share none."""
    if len(cones) < 2:
        return None
    shared = cones[0]
    for cone in cones[1:]:
        shared = shared.intersection(cone)
    if shared.is_empty or shared.area <= 0:
        return None
    centre = shared.centroid
    return float(centre.x), float(centre.y)
