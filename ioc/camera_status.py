"""What state a camera is in, derived from when it was last heard from (pure logic)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum


class CameraStatus(StrEnum):
    """Operator-facing camera state, in order of urgency."""

    ALARM = "alarm"
    ONLINE = "online"
    OFFLINE = "offline"


def camera_status(
    now: datetime,
    last_heartbeat_at: datetime | None,
    last_detection_at: datetime | None,
    offline_after_s: float,
    alarm_hold_s: float,
) -> CameraStatus:
    """Alarm while a detection is recent, online while heartbeats are recent, else offline."""
    if last_detection_at is not None and (now - last_detection_at).total_seconds() <= alarm_hold_s:
        return CameraStatus.ALARM
    if (
        last_heartbeat_at is not None
        and (now - last_heartbeat_at).total_seconds() <= offline_after_s
    ):
        return CameraStatus.ONLINE
    return CameraStatus.OFFLINE
