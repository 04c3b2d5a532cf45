"""The cameras as incident grouping needs them: position, view cone and neighbours.

Neighbours are cameras whose cones cross; an STRtree keeps that cheap for hundreds of
cameras. The index is rebuilt when a detection names a camera it does not know.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.incidents.geometry import cones_cross, view_cone
from ioc.store.models import Camera


@dataclass(frozen=True)
class CameraGeo:
    id: str
    name: str
    unit_code: str | None
    lon: float
    lat: float
    cone: shapely.Polygon | None


@dataclass
class CameraIndex:
    """Every registered camera with its cone and the ids of its neighbours."""

    cone_km: float
    cameras: dict[str, CameraGeo] = field(default_factory=dict)
    neighbours: dict[str, frozenset[str]] = field(default_factory=dict)

    def load(self, session: Session) -> None:
        rows = session.scalars(select(Camera)).all()
        self.cameras = {
            row.id: CameraGeo(
                row.id,
                row.name,
                row.unit_code,
                row.lon,
                row.lat,
                view_cone(row.lon, row.lat, row.direction_deg, row.fov_deg, self.cone_km),
            )
            for row in rows
        }
        self.neighbours = find_neighbours(self.cameras)

    def get(self, session: Session, camera_id: str) -> CameraGeo | None:
        """The camera, reloading the registry once when it is unknown."""
        if camera_id not in self.cameras:
            self.load(session)
        return self.cameras.get(camera_id)

    def related(self, camera_id: str) -> set[str]:
        return {camera_id, *self.neighbours.get(camera_id, frozenset())}

    def cones_of(self, camera_ids: set[str]) -> list[shapely.Polygon]:
        cones = (self.cameras[c].cone for c in sorted(camera_ids) if c in self.cameras)
        return [cone for cone in cones if cone is not None]


def find_neighbours(cameras: dict[str, CameraGeo]) -> dict[str, frozenset[str]]:
    """For each camera with a cone, the other cameras whose cones cross it."""
    with_cones = [cam for cam in cameras.values() if cam.cone is not None]
    if not with_cones:
        return {}
    tree = shapely.STRtree([cam.cone for cam in with_cones])
    result: dict[str, frozenset[str]] = {}
    for cam in with_cones:
        hits = tree.query(cam.cone, predicate="intersects")
        others = {
            with_cones[int(i)].id
            for i in hits
            if with_cones[int(i)].id != cam.id and cones_cross(cam.cone, with_cones[int(i)].cone)
        }
        result[cam.id] = frozenset(others)
    return result
