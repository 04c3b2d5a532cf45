"""Column types shared by both store backends.

``Geom`` is a PostGIS ``geometry(<type>, 4326)`` column on PostgreSQL (through GeoAlchemy2)
and a WKB blob on SQLite, where shapely does the spatial work. Code above the store only
ever sees shapely geometries.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import shapely
from geoalchemy2 import Geometry
from geoalchemy2.shape import to_shape
from sqlalchemy import DateTime, LargeBinary
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

SRID = 4326


class Geom(TypeDecorator[shapely.Geometry]):
    """A WGS84 geometry: PostGIS geometry column or SQLite WKB, shapely in and out."""

    impl = LargeBinary
    cache_ok = True
    # Read by GeoAlchemy2's DDL hooks; GIST indexes are made by the migrations.
    spatial_index = False
    use_N_D_index = False  # noqa: N815 (GeoAlchemy2 attribute name)
    use_typmod = None
    dimension = 2
    srid = SRID

    def __init__(self, geometry_type: str = "GEOMETRY") -> None:
        super().__init__()
        self.geometry_type = geometry_type

    def load_dialect_impl(self, dialect: Dialect | None) -> TypeEngine[Any]:
        if dialect is None:  # GeoAlchemy2's DDL hooks ask without a dialect
            return LargeBinary()
        if dialect.name == "postgresql":
            return dialect.type_descriptor(
                Geometry(self.geometry_type, srid=SRID, spatial_index=False)
            )
        return dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, shapely.Geometry):
            raise TypeError(f"expected a shapely geometry, got {type(value).__name__}")
        if dialect.name == "postgresql":
            return f"SRID={SRID};{value.wkt}"
        return shapely.to_wkb(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> shapely.Geometry | None:
        if value is None:
            return None
        if isinstance(value, bytes | memoryview):
            return shapely.from_wkb(bytes(value))
        if isinstance(value, str):
            return shapely.from_wkb(value)
        return to_shape(value)


class UtcDateTime(TypeDecorator[datetime]):
    """A moment in UTC: aware datetimes in, aware UTC datetimes out, on both backends."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError(f"expected a timezone-aware datetime, got {value!r}")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
