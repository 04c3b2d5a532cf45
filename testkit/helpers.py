"""Small helpers shared by tests: waiting for a condition, free ports, demo rows."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import shapely
from sqlalchemy import event

from ioc.store import Store
from ioc.store.cameras import CameraSpec, upsert_cameras


def wait_for(condition: Callable[[], bool], timeout: float = 10.0, every: float = 0.05) -> bool:
    """Poll ``condition`` until it is true or ``timeout`` seconds pass; returns the last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
