"""Small helpers shared by tests: waiting for a condition, free ports, demo rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import shapely
from sqlalchemy import event

from bench.procs import free_port, wait_for
from ioc.store import Store
from ioc.store.cameras import CameraSpec, upsert_cameras

__all__ = ["add_cameras", "free_port", "point", "sql_statements", "wait_for"]


def add_cameras(store: Store, *ids: str) -> None:
    """Register cameras near Đà Lạt."""
    with store.session() as session:
        upsert_cameras(
            session,
            [
                CameraSpec(id=i, name=f"Camera {i}", lon=108.44 + n * 0.01, lat=11.94)
                for n, i in enumerate(ids)
            ],
        )


def point(lon: float, lat: float) -> shapely.Point:
    return shapely.Point(lon, lat)


@contextmanager
def sql_statements(store: Store) -> Iterator[list[str]]:
    """Every SQL statement the store's engine sends inside the block."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
