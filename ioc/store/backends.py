"""The two store backends: the few hooks in which PostGIS and SQLite differ.

Everything else (tables, queries, writers) is shared. PostGIS does point-in-polygon in
the database with ``ST_Contains`` over a GIST index; SQLite pre-filters on the bbox
columns and lets shapely decide.
"""

from __future__ import annotations

from datetime import date

import shapely
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from ioc.store.models import AdminUnit


def valid_at(at: date) -> Select[AdminUnit]:
    """Units whose validity period contains the date ``at``."""
    return select(AdminUnit).where(
        AdminUnit.valid_from <= at,
        or_(AdminUnit.valid_to.is_(None), AdminUnit.valid_to >= at),
    )


class SpatialBackend:
    """Hooks shared by both backends; subclasses override what their engine does better."""

    name = "base"

    def units_containing(
        self, session: Session, lon: float, lat: float, at: date
    ) -> list[AdminUnit]:
        """Units valid at ``at`` whose polygon contains the point, any level."""
        candidates = session.scalars(
            valid_at(at).where(
                and_(
                    AdminUnit.min_lon <= lon,
                    AdminUnit.max_lon >= lon,
                    AdminUnit.min_lat <= lat,
                    AdminUnit.max_lat >= lat,
                )
            )
        ).all()
        point = shapely.Point(lon, lat)
        return [unit for unit in candidates if unit.geom.covers(point)]

    def units_near(
        self, session: Session, lon: float, lat: float, at: date, radius_deg: float
    ) -> list[AdminUnit]:
        """Units below the province valid at ``at`` within ``radius_deg`` of the point,
        nearest first (distances in degrees: only for choosing among close units)."""
        candidates = session.scalars(
            valid_at(at).where(
                AdminUnit.level != "province",
                AdminUnit.min_lon <= lon + radius_deg,
                AdminUnit.max_lon >= lon - radius_deg,
                AdminUnit.min_lat <= lat + radius_deg,
                AdminUnit.max_lat >= lat - radius_deg,
            )
        ).all()
        point = shapely.Point(lon, lat)
        near = [(unit.geom.distance(point), unit.code, unit) for unit in candidates]
        return [unit for distance, _, unit in sorted(near) if distance <= radius_deg]


class SqliteBackend(SpatialBackend):
    """Embedded default: bbox pre-filter in SQL, exact test in shapely."""

    name = "sqlite"


class PostgisBackend(SpatialBackend):
    """Production: the database does the spatial test on its GIST index."""

    name = "postgis"

    def units_containing(
        self, session: Session, lon: float, lat: float, at: date
    ) -> list[AdminUnit]:
        point = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
        query = valid_at(at).where(func.ST_Covers(AdminUnit.geom, point))
        return list(session.scalars(query).all())

    def units_near(
        self, session: Session, lon: float, lat: float, at: date, radius_deg: float
    ) -> list[AdminUnit]:
        point = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
        query = (
            valid_at(at)
            .where(
                AdminUnit.level != "province", func.ST_DWithin(AdminUnit.geom, point, radius_deg)
            )
            .order_by(func.ST_Distance(AdminUnit.geom, point), AdminUnit.code)
        )
        return list(session.scalars(query).all())


def backend_for(dialect_name: str) -> SpatialBackend:
    """The backend of an SQLAlchemy dialect name."""
    if dialect_name == "postgresql":
        return PostgisBackend()
    if dialect_name == "sqlite":
        return SqliteBackend()
    raise ValueError(f"unsupported database: {dialect_name} (use PostgreSQL/PostGIS or SQLite)")
