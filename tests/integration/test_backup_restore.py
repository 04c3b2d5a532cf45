"""The backup and restore of docs/operations.md on the real PostGIS: ``pg_dump -Fc`` of an
IOC database, ``pg_restore`` into a new one, and the IOC finds everything again — every
table's rows, the geometries, the schema revision."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import URL, make_url

from ioc.store import Store, open_store
from ioc.store.migrate import current_revision
from ioc.store.models import Camera
from ioc.store.schema import metadata
from tests.conftest import scratch_database
from tests.incidents_support import add_detection, add_watch_cameras

pytestmark = pytest.mark.postgis


def libpq(url: str) -> str:
    """The SQLAlchemy URL as pg_dump/pg_restore take it (no +psycopg driver)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def empty_database(postgis_url: str) -> Iterator[URL]:
    """A new database with PostGIS enabled and nothing else, as the restore steps make it."""
    with scratch_database("ioc_restore", postgis_url) as target:
        fresh = create_engine(target, isolation_level="AUTOCOMMIT")
        with fresh.connect() as conn:
            conn.execute(text("CREATE EXTENSION postgis"))
        fresh.dispose()
        yield target


def snapshot(store: Store) -> dict[str, object]:
    """Row counts of every IOC table, the cameras' geometries and the schema revision."""
    with store.session() as session:
        counts: dict[str, object] = {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in metadata.sorted_tables
        }
        shapes = session.execute(
            select(Camera.id, func.ST_AsEWKT(Camera.geom)).order_by(Camera.id)
        ).all()
    counts["camera geometries"] = [tuple(row) for row in shapes]
    counts["revision"] = current_revision(store)
    return counts


def test_dump_and_restore(
    postgis_store: Store, postgis_url: str, empty_database: URL, tmp_path: Path
) -> None:
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not installed")
    add_watch_cameras(postgis_store)
    for camera in ("CAM-A", "CAM-B"):
        add_detection(postgis_store, camera, datetime.now(UTC), snapshot=f"snapshots/{camera}.jpg")
    before = snapshot(postgis_store)
    assert before["detections"] == 2 and before["revision"]

    dump = tmp_path / "ioc.dump"
    subprocess.run(
        ["pg_dump", "-Fc", "--no-owner", "-d", libpq(postgis_url), "-f", str(dump)],
        check=True,
        capture_output=True,
    )
    restored_url = empty_database.render_as_string(hide_password=False)
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "-d", libpq(restored_url), str(dump)],
        check=True,
        capture_output=True,
    )
    restored = open_store(restored_url)
    try:
        assert snapshot(restored) == before
        with restored.engine.connect() as conn:  # the spatial index came back with the rows
            indexes = conn.execute(
                text("SELECT indexdef FROM pg_indexes WHERE tablename = 'cameras'")
            ).scalars()
            assert any("USING gist" in index for index in indexes)
    finally:
        restored.dispose()
