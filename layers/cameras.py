"""Camera layer: one map trace per camera status, coloured and sized by urgency.

Pure functions from ``ioc.store.cameras.CameraState`` values to plotly ``Scattermap``
traces. Every status always has its trace (possibly empty), in :data:`STATUS_ORDER`, so a
page can patch them by position and the legend never jumps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from math import cos, radians, sin

import plotly.graph_objects as go

from ioc.camera_status import CameraStatus
from ioc.i18n import t
from ioc.store.cameras import CameraState
from ioc.timeutil import format_local


@dataclass(frozen=True)
class MarkerStyle:
    """How one status is drawn."""

    color: str
    size: int


STATUS_STYLE: Mapping[CameraStatus, MarkerStyle] = {
    CameraStatus.ONLINE: MarkerStyle("#22c55e", 18),
    CameraStatus.OFFLINE: MarkerStyle("#8b95a5", 14),
    CameraStatus.ALARM: MarkerStyle("#ff3b30", 32),
}
# Alarm last: plotly draws later traces on top.
STATUS_ORDER: tuple[CameraStatus, ...] = (
    CameraStatus.OFFLINE,
    CameraStatus.ONLINE,
    CameraStatus.ALARM,
)


def status_label(status: CameraStatus, lang: str) -> str:
    return t(f"status.{status.value}", lang)


def _when(moment: datetime | None, lang: str) -> str:
    return format_local(moment) if moment is not None else t("camera.never", lang)


def hover_text(state: CameraState, lang: str, unit_names: Mapping[str, str]) -> str:
    """Name, unit, status and last heartbeat (local time) of one camera, as hover HTML."""
    unit = unit_names.get(state.unit_code or "", state.unit_code or t("camera.no_unit", lang))
    lines = [
        f"<b>{escape(state.name)}</b>",
        f"{t('camera.hover.unit', lang)}: {escape(unit)}",
        f"{t('camera.hover.status', lang)}: {status_label(state.status, lang)}",
        f"{t('camera.hover.heartbeat', lang)}: {_when(state.last_heartbeat_at, lang)}",
    ]
    if state.status is CameraStatus.ALARM:
        lines.append(f"{t('camera.hover.detection', lang)}: {_when(state.last_detection_at, lang)}")
    return "<br>".join(lines)


def camera_trace(
    states: Sequence[CameraState],
    status: CameraStatus,
    lang: str,
    unit_names: Mapping[str, str],
) -> go.Scattermap:
    """The cameras of one status (others in ``states`` are left out) as one marker trace."""
    chosen = [state for state in states if state.status is status]
    style = STATUS_STYLE[status]
    return go.Scattermap(
        _validate=False,
        lon=[state.lon for state in chosen],
        lat=[state.lat for state in chosen],
        customdata=[state.id for state in chosen],
        text=[hover_text(state, lang, unit_names) for state in chosen],
        hovertemplate="%{text}<extra></extra>",
        mode="markers",
        marker={"color": style.color, "size": style.size, "opacity": 0.95},
        name=status_label(status, lang),
        legendgroup=status.value,
        meta=status.value,
        uid=f"cameras-{status.value}",
        showlegend=True,
    )


def camera_traces(
    states: Sequence[CameraState], lang: str, unit_names: Mapping[str, str]
) -> list[go.Scattermap]:
    """One trace per status, in :data:`STATUS_ORDER`."""
    return [camera_trace(states, status, lang, unit_names) for status in STATUS_ORDER]


CONE_KM = 2.5  # drawn reach of a camera's view (forest-watch cameras see much farther)
CONE_STEPS = 8
KM_PER_DEG_LAT = 111.32


def cone_ring(
    lon: float, lat: float, direction_deg: float, fov_deg: float, reach_km: float = CONE_KM
) -> list[tuple[float, float]]:
    """A closed wedge from the camera: ``direction_deg`` clockwise from north, ``fov_deg`` wide."""
    km_per_deg_lon = KM_PER_DEG_LAT * max(cos(radians(lat)), 1e-6)
    start = direction_deg - fov_deg / 2
    ring = [(lon, lat)]
    for step in range(CONE_STEPS + 1):
        bearing = radians(start + fov_deg * step / CONE_STEPS)
        ring.append(
            (
                round(lon + reach_km * sin(bearing) / km_per_deg_lon, 5),
                round(lat + reach_km * cos(bearing) / KM_PER_DEG_LAT, 5),
            )
        )
    ring.append((lon, lat))
    return ring


def cone_trace(states: Sequence[CameraState], name: str) -> go.Scattermap:
    """Every camera's view wedge (cameras with a direction and a field of view), one trace."""
    lons: list[float | None] = []
    lats: list[float | None] = []
    for state in states:
        if state.direction_deg is None or state.fov_deg is None:
            continue
        for x, y in cone_ring(state.lon, state.lat, state.direction_deg, state.fov_deg):
            lons.append(x)
            lats.append(y)
        lons.append(None)
        lats.append(None)
    return go.Scattermap(
        _validate=False,
        lon=lons,
        lat=lats,
        mode="lines",
        fill="toself",
        fillcolor="rgba(56, 189, 248, 0.16)",
        line={"color": "rgba(125, 211, 252, 0.55)", "width": 1},
        hoverinfo="skip",
        name=name,
        showlegend=False,
        meta="cones",
        uid="cameras-cones",
    )
