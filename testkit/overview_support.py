"""What the page tests share: a small seeded province (two old districts, three wards, three
cameras) and the JavaScript that reads the map's plotly figure out of the browser."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import shapely
from sqlalchemy.orm import Session

from ioc.store import Store
from ioc.store.cameras import CameraSpec, upsert_cameras
from ioc.store.models import Camera
from ioc.store.units import UnitRecord, insert_units

# The plotly figure as the browser holds it, one summary per trace.
FIGURE_JS = """() => {
    const graph = document.getElementById('overview-map');
    const gd = graph && graph.querySelector('.js-plotly-plot');
    if (!gd || !gd.data) return null;
    return gd.data.map(t => ({
        type: t.type, meta: t.meta || null, name: t.name, visible: t.visible,
        ids: t.customdata ? Array.from(t.customdata) : [],
        locations: t.locations ? Array.from(t.locations) : [],
    }));
}"""
TRACES = 10  # units, districts, 3 camera statuses, cones, reports, sensors, incident halo+core
FILLED_JS = f"() => {{ const d = ({FIGURE_JS})(); return d !== null && d.length === {TRACES}; }}"


def box(x0: float, y0: float, x1: float, y1: float) -> shapely.MultiPolygon:
    return shapely.MultiPolygon([shapely.box(x0, y0, x1, y1)])


def seed_units_and_cameras(session: Session) -> None:
    """Two pre-2025 districts, three wards and three cameras (not yet heard from)."""
    old, new = (date(2004, 1, 1), date(2025, 6, 30)), date(2025, 7, 1)
    insert_units(
        session,
        [
            UnitRecord("D1", "Thành phố Đà Lạt", "district", box(108.3, 11.8, 108.6, 12.1), *old),
            UnitRecord("D2", "Huyện Lạc Dương", "district", box(108.3, 12.1, 108.7, 12.4), *old),
            UnitRecord(
                "W1", "Phường Xuân Hương - Đà Lạt", "commune", box(108.3, 11.8, 108.45, 12.1), new
            ),
            UnitRecord(
                "W2", "Phường Lâm Viên - Đà Lạt", "commune", box(108.45, 11.8, 108.6, 12.1), new
            ),
            UnitRecord("W3", "Xã Lạc Dương", "commune", box(108.3, 12.1, 108.7, 12.4), new),
        ],
    )
    upsert_cameras(
        session,
        [
            CameraSpec("cam-1", "Hồ Xuân Hương", 108.44, 11.94, "W1"),
            CameraSpec("cam-2", "Đỉnh Langbiang", 108.44, 12.15, "W3"),
            CameraSpec("cam-3", "Rừng thông Lạc Dương", 108.55, 12.25, "W3"),
        ],
    )


def seed(store: Store, now: datetime) -> None:
    """The small province with cam-1 online, cam-2 offline and cam-3 in alarm at ``now``."""
    with store.session() as session:
        seed_units_and_cameras(session)
        session.flush()
        for camera_id, detected in (("cam-1", None), ("cam-3", now - timedelta(seconds=20))):
            camera = session.get(Camera, camera_id)
            assert camera is not None
            camera.last_heartbeat_at = camera.updated_at = now
            camera.last_detection_at = detected


def trace_of(figure: list[dict[str, Any]], status: str) -> dict[str, Any]:
    return next(trace for trace in figure if trace["meta"] == status)
