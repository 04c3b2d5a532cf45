"""The cameras a camera worker can analyse: registered cameras that have a stream URL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from camera.motion import Polygon
from ioc.store import open_store
from ioc.store.models import Camera


@dataclass(frozen=True)
class CameraSource:
    """What the worker needs of a registered camera."""

    id: str
    url: str
    analysis_fps: float | None = None
    masks: Sequence[Polygon] = ()


def stream_cameras(session: Session) -> list[CameraSource]:
    """Registered cameras that have a stream URL, ordered by id."""
    rows = session.scalars(select(Camera).where(Camera.stream_url != "").order_by(Camera.id))
    return [CameraSource(r.id, r.stream_url, r.analysis_fps, r.masks or ()) for r in rows]


def cameras_from_store(database_url: str) -> list[CameraSource]:
    """:func:`stream_cameras` of the store at ``database_url`` (opened and closed here)."""
    store = open_store(database_url)
    try:
        with store.session() as session:
            return stream_cameras(session)
    finally:
        store.dispose()
