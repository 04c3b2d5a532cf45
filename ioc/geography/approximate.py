"""Approximate commune-level cells of a post-2025 province, from what the registry knows.

``vietnamadminunits`` knows, for every old (pre-2025) commune, its centre, a bounding box
and its district, and for every 2025 ward which old communes formed it and its official
area. A *cell* is the piece of ground given to one old commune inside one new ward (a
commune divided between two wards gives two cells). Cells are built on a raster (0.5 km
pixels) in a local plane in kilometres:

1. a first outline of the province: Voronoi cells of the 2025 ward centres among the
   neighbouring provinces' ward centres, each cut by a disc sized to the ward's official
   area (this places the coast and the Cambodian border), united, gaps and holes filled;
2. each pixel of that outline (widened by ``EXTEND_KM``) goes to the old commune whose box
   contains it and which is nearest in units of its box: a distance that is 0 at a point
   between the commune's centre and its box's centre and 1 on each side of the box (the
   four half-axes measured separately). The neighbouring provinces' old communes compete
   for the border strip, so the border falls between their boxes and ours; pixels in no
   box go to the nearest centre. Every commune stays inside its old district's box (the
   package's district boxes are accurate). A ward's boxes that together cover less than
   ``BOX_COVER_MIN`` of its official area are wrong and replaced by squares sized from it;
3. a few rounds fit the sizes and shapes: each ward's communes are scaled so the ward gets
   about its official area (``official_areas`` corrects six of the package's), and -
   since a bounding box touches its polygon on all four sides - a commune whose pixels
   fall short of a side of its own box is stretched towards that side (at most
   ``STRETCH_MAX``);
   the ground around each ward's registry centre (``WARD_CORE`` of its radius) stays
   with the ward, and every commune keeps the pixel of its own centre;
4. each commune's pixels become one polygon; the coverage is simplified as a whole (shared
   edges stay shared) and cut by the widened outline.

New wards and old districts are then unions of cells, so the eras nest exactly. The
script ``scripts/build_geography.py`` runs this once and writes the shipped file.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

from ioc.geography import dataset
from ioc.geography.cells import (
    LocalPlane,
    as_multipolygon,
    clip_to_area,
    close_gaps,
    fill_holes,
    spread_duplicates,
    voronoi_cells,
)
from ioc.geography.dataset import Place
from ioc.geography.defaults import OldEraFacts, district_of
from ioc.geography.official_areas import with_official_areas

RESOLUTION_KM = 0.5
NEIGHBOUR_MARGIN_DEG = 0.6
DEFAULT_AREA_KM2 = 100.0
CLOSING_KM = 6.0
BOX_CENTRE_WEIGHT = 0.5  # the ellipse centre: half-way between the commune centre and its box's
SYNTHETIC_BOX = 1.5  # side of a made-up box, in units of sqrt(ward area / communes)
AREA_ROUNDS = 5
AREA_DAMPING = 0.15
SIMPLIFY_PIXELS = 0.8
CHUNK = 4096
COORDINATE_GRID = 1e-5  # degrees, about 1 m
EXTEND_KM = 8.0  # how far beyond the first outline the province may reach
WARD_CORE = 0.5  # the share of a ward's radius around its centre that is surely the ward
NORM_POWER = 4.0  # the box distance's norm: between an ellipse (2) and the box itself (inf)
REACH_FLOOR = 0.3  # a commune's reach towards a side of its box counts at least this
REACH_DAMPING = 0.5
STRETCH_MAX = 2.0  # a side is stretched at most this much (coasts, borders: the area fit wins)
BOX_COVER_MIN = 0.8  # a ward's boxes covering less than this share of its area are wrong
# Where boxes of communes of two or more of our wards overlap (and no neighbour's box):
CONTESTED_CENTRE_WEIGHT = 0.0  # the box distance runs from the commune's own centre
CONTESTED_CENTRE_PULL = 0.25  # weight of the plain distance to the centre (in box sizes)
DISTRICT_BOX_MARGIN_KM = 0.0  # a commune stays inside its old district's box, widened by this


@dataclass(frozen=True)
class Atom:
    """One old commune (or its share) inside one new ward, with where it is known to be."""

    commune: dataset.LegacyCommune
    ward: Place
    lon: float
    lat: float


@dataclass(frozen=True)
class Cell:
    """An atom with its approximate polygon (WGS84)."""

    atom: Atom
    geom: shapely.MultiPolygon


def build_cells(province_code: str, resolution_km: float = RESOLUTION_KM) -> list[Cell]:
    """The approximate cells of a post-2025 province, deterministic (about a minute)."""
    wards = with_official_areas(dataset.wards_2025(province_code))
    plane = LocalPlane(
        sum(w.lon for w in wards) / len(wards), sum(w.lat for w in wards) / len(wards)
    )
    outline = province_outline(wards, plane)
    atoms = commune_atoms(province_code, wards)
    sites = _Sites.of(atoms, _neighbours(atoms, outline, plane), plane)
    grid = _Grid.covering(outline.buffer(EXTEND_KM), resolution_km)
    eligible = _eligible(grid, outline, sites.boxes[: len(atoms)])
    assigned = _assign(grid, atoms, sites, eligible)
    owner, pinned = _pin_centres(grid, atoms, sites, plane, assigned)
    keep = (owner < len(atoms)) & eligible
    # A commune left with nothing inside (its centre at sea, coarse rasters) keeps its pin.
    kept = np.bincount(owner[keep], minlength=len(atoms))
    keep |= pinned & (kept[np.minimum(owner, len(atoms) - 1)] == 0) & (owner < len(atoms))
    shapes = _polygons(grid, owner, keep, len(atoms), outline.buffer(EXTEND_KM))
    return [
        Cell(a, as_multipolygon(_valid(plane.to_lonlat(s))))
        for a, s in zip(atoms, shapes, strict=True)
    ]


def commune_atoms(province_code: str, wards: Sequence[Place]) -> list[Atom]:
    """Every (old commune, new ward) pair the package's converter knows, in ward order."""
    key = dataset.province_key_2025(province_code)
    sources = dataset.predecessors_2025(key)
    divided = dataset.divided_2025(key)
    legacy_keys = {s for srcs in sources.values() for s in srcs} | set(divided)
    legacy = dataset.legacy_communes_by_key(k.split("_", 1)[0] for k in legacy_keys)
    atoms: list[Atom] = []
    for ward in wards:
        for source in sources.get(ward.key, ()):
            atoms.append(_atom(legacy[source], ward))
        for source, shares in divided.items():
            share = next((s for s in shares if s.ward_key == ward.key), None)
            if share is not None and source not in sources.get(ward.key, ()):
                lon, lat = (None, None) if share.default else (share.lon, share.lat)
                atoms.append(_atom(legacy[source], ward, lon, lat))
    return atoms


def _atom(
    commune: dataset.LegacyCommune, ward: Place, lon: float | None = None, lat: float | None = None
) -> Atom:
    """An atom placed at ``lon, lat``, the commune's centre, or (unknown) the ward's."""
    if lon is not None and lat is not None:
        return Atom(commune, ward, lon, lat)
    if commune.bbox is None:
        return Atom(commune, ward, ward.lon, ward.lat)
    return Atom(commune, ward, commune.place.lon, commune.place.lat)


def province_outline(wards: Sequence[Place], plane: LocalPlane) -> shapely.MultiPolygon:
    """The province's approximate outline (km plane) from the ward centres and areas.

    Voronoi cells of the wards among the neighbouring provinces' ward centres, each cut by a
    disc sized to the ward's official area (this places the coast and the Cambodian border),
    united, with gaps narrower than ``2 × CLOSING_KM`` and holes filled.
    """
    margin = NEIGHBOUR_MARGIN_DEG
    bbox = (
        min(w.lon for w in wards) - margin,
        min(w.lat for w in wards) - margin,
        max(w.lon for w in wards) + margin,
        max(w.lat for w in wards) + margin,
    )
    everyone = list(wards) + dataset.wards_2025_near(wards[0].parent, bbox)
    points = spread_duplicates([plane.to_km(p.lon, p.lat) for p in everyone], 0.5)
    cells = voronoi_cells(points, margin_km=200.0)
    trimmed = [
        clip_to_area(cells[i], points[i], ward.area_km2 or DEFAULT_AREA_KM2)
        for i, ward in enumerate(wards)
    ]
    closed = fill_holes(close_gaps(shapely.union_all(trimmed), CLOSING_KM))
    return as_multipolygon(closed.intersection(shapely.union_all(cells[: len(wards)])))


def _neighbours(
    atoms: Sequence[Atom], outline: shapely.Geometry, plane: LocalPlane
) -> list[dataset.LegacyCommune]:
    """Old communes of the neighbouring provinces near the outline (they compete for the
    border strip, so the province border falls between their boxes and ours)."""
    minx, miny, maxx, maxy = plane.to_lonlat(outline.buffer(3 * EXTEND_KM)).bounds
    ours = {a.commune.province_key for a in atoms}
    return [c for c in dataset.legacy_communes_near((minx, miny, maxx, maxy), ours) if c.bbox]


@dataclass
class _Sites:
    """The competing communes in the km plane: ours (one per atom) first, then neighbours."""

    points: NDArray[np.float64]
    boxes: NDArray[np.float64]
    ward_radius: NDArray[np.float64]
    ward: NDArray[np.int64]  # index of our site's 2025 ward, -1 for the neighbours
    scale: NDArray[np.float64]
    real: NDArray[np.bool_]  # the box is the package's, not made up
    stretch: NDArray[np.float64]  # per site and side (west, east, south, north)
    district_boxes: NDArray[np.float64]  # the old district's box (widened), NaN: none known

    @classmethod
    def of(
        cls,
        atoms: Sequence[Atom],
        neighbours: Sequence[dataset.LegacyCommune],
        plane: LocalPlane,
    ) -> _Sites:
        ours = spread_duplicates([plane.to_km(a.lon, a.lat) for a in atoms], 1.5)
        theirs = [plane.to_km(c.place.lon, c.place.lat) for c in neighbours]
        points = np.array(ours + theirs, dtype=float)
        boxes = np.full((len(points), 4), np.nan)
        for index, bbox in enumerate(
            [a.commune.bbox for a in atoms] + [c.bbox for c in neighbours]
        ):
            if bbox is not None:
                boxes[index] = (*plane.to_km(bbox[0], bbox[1]), *plane.to_km(bbox[2], bbox[3]))
        real = np.ones(len(points), dtype=bool)
        real[: len(atoms)] = _check_ward_boxes(atoms, points, boxes)
        radius = [math.sqrt((a.ward.area_km2 or DEFAULT_AREA_KM2) / math.pi) for a in atoms]
        ward_radius = np.array(radius + [math.inf] * len(theirs))
        codes = sorted({a.ward.code for a in atoms})
        ward = np.array([codes.index(a.ward.code) for a in atoms] + [-1] * len(theirs))
        communes = [a.commune for a in atoms] + list(neighbours)
        return cls(
            points,
            boxes,
            ward_radius,
            ward,
            np.ones(len(points)),
            real,
            np.ones((len(points), 4)),
            _district_boxes(communes, points, plane),
        )


def _district_boxes(
    communes: Sequence[dataset.LegacyCommune], points: NDArray[np.float64], plane: LocalPlane
) -> NDArray[np.float64]:
    """Per site, its old district's box in the km plane widened by ``DISTRICT_BOX_MARGIN_KM``
    (NaN where unknown). A district lies inside its box, so its communes do too. A box that
    misses the centre of one of the district's communes is wrong and not used (the package
    gives the merged Huyện Đạ Huoai of 2024 the box of the old Đạ Huoai alone)."""
    out = np.full((len(communes), 4), np.nan)
    members: dict[tuple[str, str], list[int]] = {}
    for index, commune in enumerate(communes):
        members.setdefault((commune.province_code, commune.place.parent), []).append(index)
    for indices in members.values():
        bbox = communes[indices[0]].district_bbox
        if bbox is None:
            continue
        x0, y0 = plane.to_km(bbox[0], bbox[1])
        x1, y1 = plane.to_km(bbox[2], bbox[3])
        xs, ys = points[indices, 0], points[indices, 1]
        if ((xs >= x0) & (xs <= x1) & (ys >= y0) & (ys <= y1)).all():
            margin = DISTRICT_BOX_MARGIN_KM
            out[indices] = (x0 - margin, y0 - margin, x1 + margin, y1 + margin)
    return out


def _check_ward_boxes(
    atoms: Sequence[Atom], points: NDArray[np.float64], boxes: NDArray[np.float64]
) -> NDArray[np.bool_]:
    """Drop a ward's boxes when together they cover less than its official area (a box
    always contains its commune, so they are wrong); atoms without a box get a square.
    Returns which atoms keep the package's box."""
    real = ~np.isnan(boxes[: len(atoms), 0])
    for ward_code in {a.ward.code for a in atoms}:
        members = [i for i, a in enumerate(atoms) if a.ward.code == ward_code]
        area = atoms[members[0]].ward.area_km2 or DEFAULT_AREA_KM2
        known = [shapely.box(*boxes[i]) for i in members if not np.isnan(boxes[i, 0])]
        if not known or shapely.union_all(known).area < BOX_COVER_MIN * area:
            boxes[members] = np.nan
            real[members] = False
        half = SYNTHETIC_BOX * math.sqrt(area / len(members)) / 2
        for i in members:
            if np.isnan(boxes[i, 0]):
                x, y = points[i]
                boxes[i] = (x - half, y - half, x + half, y + half)
    return real


def _eligible(
    grid: _Grid, outline: shapely.Geometry, boxes: NDArray[np.float64]
) -> NDArray[np.bool_]:
    """Pixels inside the outline, or beyond it but inside one of our communes' boxes."""
    centres = grid.centres()
    inside = shapely.intersects_xy(outline, centres[:, 0], centres[:, 1])
    for start in range(0, len(centres), CHUNK):
        part = slice(start, start + CHUNK)
        inside[part] |= _within(boxes, centres[part, 0:1], centres[part, 1:2]).any(axis=1)
    return np.asarray(inside)


@dataclass(frozen=True)
class _Grid:
    """The pixels (integer column, row) whose squares touch the outline."""

    x0: float
    y0: float
    size: float
    cols: NDArray[np.int64]
    rows: NDArray[np.int64]

    @classmethod
    def covering(cls, outline: shapely.Geometry, size: float) -> _Grid:
        minx, miny, maxx, maxy = outline.bounds
        mesh = np.meshgrid(
            np.arange(math.ceil((maxx - minx) / size)), np.arange(math.ceil((maxy - miny) / size))
        )
        cols, rows = mesh[0].ravel(), mesh[1].ravel()
        squares = shapely.box(
            minx + cols * size,
            miny + rows * size,
            minx + (cols + 1) * size,
            miny + (rows + 1) * size,
        )
        touch = shapely.intersects(outline, squares)
        return cls(minx, miny, size, cols[touch], rows[touch])

    def centres(self) -> NDArray[np.float64]:
        xs = self.x0 + (self.cols + 0.5) * self.size
        ys = self.y0 + (self.rows + 0.5) * self.size
        return np.column_stack([xs, ys]).astype(np.float64)


def _assign(
    grid: _Grid, atoms: Sequence[Atom], sites: _Sites, eligible: NDArray[np.bool_]
) -> NDArray[np.int64]:
    """The site owning each pixel, with each ward's scale fitted to its official area (of
    the ``eligible`` pixels only: the others are cut off at the end)."""
    wards = sorted({a.ward.code for a in atoms})
    ward_of = np.array([wards.index(a.ward.code) for a in atoms])
    areas = {a.ward.code: a.ward.area_km2 or DEFAULT_AREA_KM2 for a in atoms}
    target = np.array([areas[w] for w in wards])
    for _ in range(AREA_ROUNDS):
        owner = _owners(grid, sites)
        ours = owner[(owner < len(atoms)) & eligible]
        got = np.bincount(ward_of[ours], minlength=len(wards)) * grid.size**2
        fitted = target * got.sum() / target.sum()
        factor = (fitted / np.maximum(got, grid.size**2)) ** AREA_DAMPING
        sites.scale[: len(atoms)] *= factor[ward_of]
        # A box is the box of its commune: the commune touches all four sides. A commune
        # that falls short of a side is stretched towards it (its own box only).
        reach = np.clip(_reach(grid, sites, owner, len(atoms)), REACH_FLOOR, 1.0)
        grow = (1 / reach) ** REACH_DAMPING
        grow[~sites.real[: len(atoms)]] = 1.0
        sites.stretch[: len(atoms)] = np.minimum(sites.stretch[: len(atoms)] * grow, STRETCH_MAX)
    return _owners(grid, sites)


def _ellipse_centres(
    sites: _Sites, w: float = BOX_CENTRE_WEIGHT
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Each site's ellipse centre: between its commune centre (``w`` 0) and its box's (1)."""
    boxes = sites.boxes
    cx = (boxes[:, 0] + boxes[:, 2]) / 2 * w + sites.points[:, 0] * (1 - w)
    cy = (boxes[:, 1] + boxes[:, 3]) / 2 * w + sites.points[:, 1] * (1 - w)
    return cx, cy


def _extents(sites: _Sites, w: float = BOX_CENTRE_WEIGHT) -> NDArray[np.float64]:
    """Per site, how far its box reaches from the ellipse centre: west, east, south, north."""
    boxes = sites.boxes
    cx, cy = _ellipse_centres(sites, w)
    tiny = 0.05 * np.minimum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]) / 2
    sides = [cx - boxes[:, 0], boxes[:, 2] - cx, cy - boxes[:, 1], boxes[:, 3] - cy]
    return np.column_stack([np.maximum(side, tiny) for side in sides]).astype(np.float64)


def _reach(grid: _Grid, sites: _Sites, owner: NDArray[np.int64], count: int) -> NDArray[np.float64]:
    """How far each of the first ``count`` sites' pixels reach towards each side of its box,
    as a share of the way from its ellipse centre to that side (1: it touches the side)."""
    centres = grid.centres()
    ours = owner < count
    who = owner[ours]
    cx, cy = _ellipse_centres(sites)
    extents = _extents(sites)
    dx = centres[ours, 0] - cx[who]
    dy = centres[ours, 1] - cy[who]
    out = np.zeros((count, 4))
    for k, distance in enumerate((-dx, dx, -dy, dy)):
        np.maximum.at(out[:, k], who, (distance + grid.size / 2) / extents[who, k])
    return out


def _owners(grid: _Grid, sites: _Sites) -> NDArray[np.int64]:
    """Per pixel: among the boxes containing it, the smallest scaled box distance; in no
    box, the nearest site.

    The box distance runs from 0 at the site's ellipse centre to 1 on each side of its box
    (each of the four half-axes measured separately, so an off-centre commune still ends at
    its box), stretched per side by :func:`_reach`, combined with a ``NORM_POWER`` norm.
    Where the boxes of communes of two or more of our wards overlap (and no neighbouring
    province's), the ward is contested: there the distance runs from the commune's own
    centre (``CONTESTED_CENTRE_WEIGHT``) and is blended geometrically with the plain
    distance to that centre in units of the box's size (``CONTESTED_CENTRE_PULL``).
    A commune only competes inside its old district's box (:func:`_district_boxes`), unless
    no commune's district box holds the pixel.
    """
    centres = grid.centres()
    boxes = sites.boxes
    plain = _box_distance(sites, BOX_CENTRE_WEIGHT)
    own = _box_distance(sites, CONTESTED_CENTRE_WEIGHT)
    size = np.sqrt((boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]))
    pull = CONTESTED_CENTRE_PULL
    ours = sites.ward >= 0
    out = np.empty(len(centres), dtype=np.int64)
    for start in range(0, len(centres), CHUNK):
        px = centres[start : start + CHUNK, 0:1]
        py = centres[start : start + CHUNK, 1:2]
        in_district = _within(sites.district_boxes, px, py, unknown=True)
        inside = _within(boxes, px, py) & in_district
        nearest = np.hypot(px - sites.points[:, 0], py - sites.points[:, 1])
        mine = inside & ours
        first = np.where(mine, sites.ward, np.iinfo(np.int64).max).min(axis=1)
        last = np.where(mine, sites.ward, -1).max(axis=1)
        contested = (first < last) & ~(inside & ~ours).any(axis=1)
        distance = plain(px, py)
        if contested.any():
            blended = own(px[contested], py[contested]) ** (1 - pull)
            blended *= np.maximum(nearest[contested] / size, 1e-9) ** pull
            distance[contested] = blended
        best = np.argmin(np.where(inside, distance / sites.scale, np.inf), axis=1)
        free = ~inside.any(axis=1)
        nowhere = ~in_district.any(axis=1, keepdims=True)
        allowed = np.where(in_district | nowhere, nearest, np.inf)
        best[free] = np.argmin(allowed[free] / sites.scale, axis=1)
        out[start : start + CHUNK] = best
    return out


def _within(
    boxes: NDArray[np.float64],
    px: NDArray[np.float64],
    py: NDArray[np.float64],
    unknown: bool = False,
) -> NDArray[np.bool_]:
    """Pixels (a column) inside each box (a row of min x, min y, max x, max y); a NaN box
    counts as ``unknown``."""
    inside = (px >= boxes[:, 0]) & (px <= boxes[:, 2]) & (py >= boxes[:, 1]) & (py <= boxes[:, 3])
    if unknown:
        inside |= np.isnan(boxes[:, 0])
    return np.asarray(inside)


def _box_distance(
    sites: _Sites, w: float
) -> Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.float64]]:
    """The box distance of pixels (columns) to every site (rows), from ellipse centres at
    ``w`` between the commune centre and its box's centre, stretched by the reach."""
    cx, cy = _ellipse_centres(sites, w)
    extents = _extents(sites, w) * sites.stretch
    west, east, south, north = (extents[:, k] for k in range(4))

    def distance(px: NDArray[np.float64], py: NDArray[np.float64]) -> NDArray[np.float64]:
        fx = np.where(px < cx, (cx - px) / west, (px - cx) / east)
        fy = np.where(py < cy, (cy - py) / south, (py - cy) / north)
        return np.asarray((fx**NORM_POWER + fy**NORM_POWER) ** (1 / NORM_POWER))

    return distance


def _pin_centres(
    grid: _Grid,
    atoms: Sequence[Atom],
    sites: _Sites,
    plane: LocalPlane,
    owner: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Each ward keeps the ground around its centre (``WARD_CORE`` of its radius, given to
    its commune nearest to the centre) and every commune the pixel of its own centre, so no
    ward or commune vanishes and the registry's centres fall in their units. Returns the
    owners and the pixels pinned to a commune."""
    out = owner.copy()
    centres = grid.centres()
    closest = np.full(len(centres), 1.0)  # in a core when below 1; the closest core wins
    for ward_code in sorted({a.ward.code for a in atoms}):
        members = [i for i, a in enumerate(atoms) if a.ward.code == ward_code]
        x, y = plane.to_km(atoms[members[0]].ward.lon, atoms[members[0]].ward.lat)
        nearest = min(members, key=lambda i: math.dist(sites.points[i], (x, y)))
        distance = np.hypot(centres[:, 0] - x, centres[:, 1] - y)
        relative = distance / (WARD_CORE * float(sites.ward_radius[nearest]))
        relative[int(np.argmin(distance))] = 0.0
        core = (relative < closest) & ~np.isin(out, members)
        out[core] = nearest
        closest = np.minimum(closest, relative)
    pinned = np.zeros(len(centres), dtype=bool)
    for atom, (x, y) in enumerate(sites.points[: len(atoms)]):
        distance = np.hypot(centres[:, 0] - x, centres[:, 1] - y)
        pixel = int(np.argmin(np.where(pinned, np.inf, distance)))
        pinned[pixel] = True
        out[pixel] = atom
    return out, pinned


def _polygons(
    grid: _Grid,
    owner: NDArray[np.int64],
    keep: NDArray[np.bool_],
    count: int,
    outline: shapely.Geometry,
) -> list[shapely.Geometry]:
    """Each atom's pixels as one polygon (km plane), simplified together, cut by the outline.

    Pixels are united in integer grid units so neighbours share their edges exactly.
    """
    squares = shapely.box(grid.cols, grid.rows, grid.cols + 1, grid.rows + 1)
    merged = [shapely.union_all(squares[keep & (owner == i)]) for i in range(count)]
    simplified = shapely.coverage_simplify(np.array(merged, dtype=object), SIMPLIFY_PIXELS)

    def to_km(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        xs = grid.x0 + coords[:, 0] * grid.size
        return np.column_stack([xs, grid.y0 + coords[:, 1] * grid.size]).astype(np.float64)

    return [shapely.transform(g, to_km).intersection(outline) for g in simplified]


def _valid(geom: shapely.Geometry) -> shapely.Geometry:
    return geom if geom.is_valid else shapely.make_valid(geom)


def cells_geojson(cells: Sequence[Cell], facts: OldEraFacts) -> dict[str, Any]:
    """The cells as the shipped GeoJSON FeatureCollection (coordinates to about 1 m).

    ``district`` is the old commune's district before the 2024 merger (only meaningful for
    the old province, ``old_province`` = its code).
    """
    features = []
    for cell in cells:
        place = cell.atom.commune.place
        old_province = cell.atom.commune.province_code
        district = (
            district_of(facts, place) if old_province == facts.province_code else place.parent
        )
        geom = shapely.set_precision(cell.geom, COORDINATE_GRID)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "ward": cell.atom.ward.code,
                    "commune": place.code,
                    "commune_name": place.name,
                    "district": district,
                    "old_province": old_province,
                },
                "geometry": shapely.geometry.mapping(as_multipolygon(geom)),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def cells_text(collection: dict[str, Any]) -> str:
    """The shipped file's exact text for :func:`cells_geojson`'s collection (compact UTF-8
    JSON and a final newline), so a rebuild can be compared with the file byte for byte."""
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n"
