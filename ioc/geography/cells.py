"""Planar helpers that turn unit centres into approximate polygons.

All work happens on a local plane in kilometres (an equirectangular projection around the
province), where Voronoi cells and areas make sense; :class:`LocalPlane` converts both ways.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray

KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON_EQUATOR = 111.320


@dataclass(frozen=True)
class LocalPlane:
    """An equirectangular plane in km centred on (lon0, lat0)."""

    lon0: float
    lat0: float

    @property
    def _kx(self) -> float:
        return KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(self.lat0))

    def to_km(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.lon0) * self._kx, (lat - self.lat0) * KM_PER_DEG_LAT

    def _to_km(self, coords: NDArray[np.float64]) -> NDArray[np.float64]:
        out = np.empty_like(coords)
        out[:, 0] = (coords[:, 0] - self.lon0) * self._kx
        out[:, 1] = (coords[:, 1] - self.lat0) * KM_PER_DEG_LAT
        return out

    def to_km_geometry(self, geom: shapely.Geometry) -> shapely.Geometry:
        """A lon/lat geometry on the km plane (areas in km², distances in km)."""
        return shapely.transform(geom, self._to_km)

    def _to_lonlat(self, coords: NDArray[np.float64]) -> NDArray[np.float64]:
        out = np.empty_like(coords)
        out[:, 0] = coords[:, 0] / self._kx + self.lon0
        out[:, 1] = coords[:, 1] / KM_PER_DEG_LAT + self.lat0
        return out

    def to_lonlat(self, geom: shapely.Geometry) -> shapely.Geometry:
        return shapely.transform(geom, self._to_lonlat)


def voronoi_cells(points: Sequence[tuple[float, float]], margin_km: float) -> list[shapely.Polygon]:
    """The Voronoi cell of each point, in the order given (points must be distinct)."""
    multipoint = shapely.MultiPoint(list(points))
    extent = multipoint.envelope.buffer(margin_km)
    cells = shapely.voronoi_polygons(multipoint, extend_to=extent, ordered=True)
    return [shapely.Polygon(cell) for cell in cells.geoms]


def clip_to_area(
    cell: shapely.Polygon, centre: tuple[float, float], area_km2: float, max_factor: float = 3.0
) -> shapely.Geometry:
    """The cell cut by a disc around ``centre`` sized so the result has about ``area_km2``.

    Inland cells smaller than the area are kept whole (the disc may not exceed
    ``max_factor`` times the radius of a disc of that area); cells open to the sea or to
    land without neighbouring centres are trimmed to the official area.
    """
    point = shapely.Point(centre)
    low = math.sqrt(area_km2 / math.pi)
    high = low * max_factor
    if cell.intersection(point.buffer(high, quad_segs=16)).area <= area_km2:
        return cell.intersection(point.buffer(high, quad_segs=16))
    for _ in range(24):
        middle = (low + high) / 2
        if cell.intersection(point.buffer(middle, quad_segs=16)).area < area_km2:
            low = middle
        else:
            high = middle
    return cell.intersection(point.buffer(high, quad_segs=16))


def close_gaps(geom: shapely.Geometry, distance_km: float) -> shapely.Geometry:
    """Morphological closing: gaps and bays narrower than twice ``distance_km`` are filled."""
    return geom.buffer(distance_km, quad_segs=8).buffer(-distance_km, quad_segs=8)


def fill_holes(geom: shapely.Geometry) -> shapely.MultiPolygon:
    """Every polygon of ``geom`` without its interior rings."""
    return shapely.MultiPolygon([shapely.Polygon(p.exterior) for p in polygons_of(geom)])


def polygons_of(geom: shapely.Geometry) -> list[shapely.Polygon]:
    """The polygons (of non-zero area) inside any geometry, collections included."""
    if isinstance(geom, shapely.Polygon):
        return [geom] if geom.area > 0 else []
    if isinstance(geom, shapely.MultiPolygon | shapely.GeometryCollection):
        return [p for part in geom.geoms for p in polygons_of(part)]
    return []


def as_multipolygon(geom: shapely.Geometry) -> shapely.MultiPolygon:
    """The polygonal part of ``geom`` as one MultiPolygon."""
    return shapely.MultiPolygon(polygons_of(geom))


def spread_duplicates(
    points: Sequence[tuple[float, float]], radius_km: float
) -> list[tuple[float, float]]:
    """Move points that share a position onto a small circle around it, in order."""
    groups: dict[tuple[float, float], list[int]] = {}
    for index, (x, y) in enumerate(points):
        groups.setdefault((round(x, 6), round(y, 6)), []).append(index)
    out = list(points)
    for members in groups.values():
        if len(members) < 2:
            continue
        for rank, index in enumerate(members):
            angle = 2 * math.pi * rank / len(members)
            x, y = points[index]
            out[index] = (x + radius_km * math.cos(angle), y + radius_km * math.sin(angle))
    return out
