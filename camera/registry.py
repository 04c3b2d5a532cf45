"""The cameras a camera worker can analyse: registered cameras that have a stream URL."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from camera.types import CameraView
from ioc.store import open_store
from ioc.store.models import Camera

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CameraSource:
    """What the worker needs of a registered camera."""

    id: str
    url: str
    analysis_fps: float | None = None
    view: CameraView = field(default_factory=CameraView)


def stream_cameras(session: Session) -> list[CameraSource]:
    """Registered cameras that have a stream URL, ordered by id. A camera whose drawn
    geometry is malformed is still watched, without it, and the reason is logged."""
    rows = session.scalars(select(Camera).where(Camera.stream_url != "").order_by(Camera.id))
    return [CameraSource(r.id, r.stream_url, r.analysis_fps, _view(r)) for r in rows]


def _view(row: Camera) -> CameraView:
    try:
        return CameraView.from_data(row.masks, row.horizon)
    except ValueError as exc:
        log.warning("camera %s: ignoring its masks/horizon: %s", row.id, exc)
        return CameraView()


def cameras_from_store(database_url: str) -> list[CameraSource]:
    """:func:`stream_cameras` of the store at ``database_url`` (opened and closed here)."""
    store = open_store(database_url)
    try:
        with store.session() as session:
            return stream_cameras(session)
    finally:
        store.dispose()
