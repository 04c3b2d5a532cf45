"""The store on both backends: schema, geometry round trip, point-in-unit at a date."""

from __future__ import annotations

from datetime import UTC, date, datetime

import shapely

from ioc.store import Store
from ioc.store.migrate import current_revision, head_revisions, upgrade
from ioc.store.models import AdminUnit, Camera


def _unit(code: str, box: shapely.Polygon, valid_from: date, valid_to: date | None) -> AdminUnit:
    minx, miny, maxx, maxy = box.bounds
    return AdminUnit(
        code=code,
        name=f"Unit {code}",
        level="district",
        unit_type="Huyện",
        valid_from=valid_from,
        valid_to=valid_to,
        center_lon=box.centroid.x,
        center_lat=box.centroid.y,
        min_lon=minx,
        min_lat=miny,
        max_lon=maxx,
        max_lat=maxy,
        approximate=False,
        source="test",
        geom=shapely.MultiPolygon([box]),
    )


def test_schema_is_at_head_and_upgrade_is_idempotent(store: Store) -> None:
    heads = head_revisions(store)
    assert heads and "0001" not in heads
    assert current_revision(store) == heads
    upgrade(store)
    assert current_revision(store) == heads


def test_geometry_and_utc_round_trip(store: Store) -> None:
    seen = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    with store.session() as session:
        session.add(
            Camera(
                id="c1",
                name="cam",
                lon=108.44,
                lat=11.94,
                geom=shapely.Point(108.44, 11.94),
                last_heartbeat_at=seen,
            )
        )
    with store.session() as session:
        camera = session.get(Camera, "c1")
        assert camera is not None
        assert camera.geom.equals(shapely.Point(108.44, 11.94))
        assert camera.last_heartbeat_at == seen
        assert camera.last_heartbeat_at.tzinfo is not None


def test_point_in_unit_respects_validity_dates(store: Store) -> None:
    old = shapely.box(108.0, 11.0, 109.0, 12.0)
    new = shapely.box(108.4, 11.4, 108.6, 11.6)
    with store.session() as session:
        session.add(_unit("672", old, date(1990, 1, 1), date(2025, 6, 30)))
        session.add(_unit("24000", new, date(2025, 7, 1), None))
    with store.session() as session:
        before = store.backend.units_containing(session, 108.5, 11.5, date(2024, 12, 31))
        after = store.backend.units_containing(session, 108.5, 11.5, date(2025, 7, 1))
        outside = store.backend.units_containing(session, 110.0, 11.5, date(2024, 12, 31))
    assert [u.code for u in before] == ["672"]
    assert [u.code for u in after] == ["24000"]
    assert outside == []
