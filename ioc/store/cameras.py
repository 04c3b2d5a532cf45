"""Camera registry and live camera state in the store."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ioc.camera_status import CameraStatus, camera_status
from ioc.config import CameraStatusSettings
from ioc.store.models import Camera


@dataclass(frozen=True)
class CameraSpec:
    """What the registry knows about a camera before it ever reports."""

    id: str
    name: str
    lon: float
    lat: float
    unit_code: str | None = None
    height_m: float | None = None
    direction_deg: float | None = None
    fov_deg: float | None = None
    stream_url: str = ""
    masks: list[Any] | None = None
    horizon: Any = None


@dataclass(frozen=True)
class CameraState:
    """A camera as the map shows it (never with its stream URL)."""

    id: str
    name: str
    unit_code: str | None
    lon: float
    lat: float
    status: CameraStatus
    health: str
    direction_deg: float | None
    fov_deg: float | None
    last_heartbeat_at: datetime | None
    last_detection_at: datetime | None
    simulated: bool = False
    """Whether the newest detection came from the demo's simulator."""


SNAPSHOTS = "snapshots"  # <var_dir>/snapshots, served at /files/snapshots/


def snapshot_folder(camera_id: str) -> str:
    """The folder (one path component) of a camera's snapshots under ``<var_dir>/snapshots``;
    the camera worker writes there and the file route finds a file's camera by it."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", camera_id).strip(".") or "camera"


def read_camera_csv(path: Path) -> list[CameraSpec]:
    """Camera specs from a CSV with columns id,name,lon,lat[,unit_code,height_m,...];
    ``masks`` and ``horizon`` hold JSON (ignore polygons; the skyline and its band)."""
    specs = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            specs.append(
                CameraSpec(
                    id=row["id"],
                    name=row["name"],
                    lon=float(row["lon"]),
                    lat=float(row["lat"]),
                    unit_code=row.get("unit_code") or None,
                    height_m=_opt_float(row.get("height_m")),
                    direction_deg=_opt_float(row.get("direction_deg")),
                    fov_deg=_opt_float(row.get("fov_deg")),
                    stream_url=row.get("stream_url") or "",
                    masks=_json_cell(row.get("masks"), "masks", line),
                    horizon=_json_cell(row.get("horizon"), "horizon", line),
                )
            )
    return specs


def _json_cell(text: str | None, column: str, line: int) -> Any:
    if text in (None, ""):
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"line {line}: column {column} is not valid JSON ({exc.msg})") from exc


def _opt_float(text: str | None) -> float | None:
    return float(text) if text not in (None, "") else None


def upsert_cameras(session: Session, specs: Iterable[CameraSpec]) -> int:
    """Add or update cameras by id; live state columns are left as they are."""
    count = 0
    for spec in specs:
        camera = session.get(Camera, spec.id) or Camera(id=spec.id, health="unknown")
        camera.name = spec.name
        camera.lon, camera.lat = spec.lon, spec.lat
        camera.geom = shapely.Point(spec.lon, spec.lat)
        camera.unit_code = spec.unit_code
        camera.height_m = spec.height_m
        camera.direction_deg = spec.direction_deg
        camera.fov_deg = spec.fov_deg
        camera.stream_url = spec.stream_url
        if spec.masks is not None:
            camera.masks = spec.masks
        if spec.horizon is not None:
            camera.horizon = spec.horizon
        session.add(camera)
        count += 1
    return count


def camera_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Camera)) or 0)


def known_camera_ids(session: Session) -> set[str]:
    return set(session.scalars(select(Camera.id)).all())


def camera_rows(session: Session, since: datetime | None = None) -> list[Any]:
    """Cameras as plain rows (no geometry decoded), ordered by id; with ``since`` only those
    changed at or after it (``updated_at``, indexed): what a page's next look needs."""
    c = Camera
    query = select(
        c.id,
        c.name,
        c.unit_code,
        c.lon,
        c.lat,
        c.health,
        c.direction_deg,
        c.fov_deg,
        c.last_heartbeat_at,
        c.last_detection_at,
        c.last_detection_simulated,
        c.updated_at,
    )
    if since is not None:
        query = query.where(c.updated_at >= since)
    return list(session.execute(query.order_by(c.id)).all())


def state_of(row: Any, now: datetime, status: CameraStatusSettings) -> CameraState:
    """A :func:`camera_rows` row with its status at ``now``."""
    return CameraState(
        id=row.id,
        name=row.name,
        unit_code=row.unit_code,
        lon=row.lon,
        lat=row.lat,
        status=camera_status(
            now,
            row.last_heartbeat_at,
            row.last_detection_at,
            status.offline_after_s,
            status.alarm_hold_s,
        ),
        health=row.health,
        direction_deg=row.direction_deg,
        fov_deg=row.fov_deg,
        last_heartbeat_at=row.last_heartbeat_at,
        last_detection_at=row.last_detection_at,
        simulated=bool(row.last_detection_simulated),
    )


def camera_states(
    session: Session, now: datetime, status: CameraStatusSettings
) -> list[CameraState]:
    """Every camera with its status at ``now``, ordered by id."""
    return [state_of(row, now, status) for row in camera_rows(session)]


def last_change(session: Session) -> datetime | None:
    """When any camera row last changed: pages poll this before reloading camera layers."""
    return session.scalar(select(func.max(Camera.updated_at)))
