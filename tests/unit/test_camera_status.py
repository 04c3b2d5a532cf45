"""Camera status is derived from how recently a camera was heard from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ioc.camera_status import CameraStatus, camera_status

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def ago(seconds: float) -> datetime:
    return NOW - timedelta(seconds=seconds)


def test_recent_heartbeat_is_online() -> None:
    assert camera_status(NOW, ago(30), None, 90, 600) is CameraStatus.ONLINE


def test_stale_or_missing_heartbeat_is_offline() -> None:
    assert camera_status(NOW, ago(91), None, 90, 600) is CameraStatus.OFFLINE
    assert camera_status(NOW, None, None, 90, 600) is CameraStatus.OFFLINE


def test_recent_detection_is_alarm_even_when_offline() -> None:
    assert camera_status(NOW, None, ago(599), 90, 600) is CameraStatus.ALARM


def test_alarm_expires_back_to_heartbeat_state() -> None:
    assert camera_status(NOW, ago(10), ago(601), 90, 600) is CameraStatus.ONLINE
