"""Camera states become one marker trace per status (made-up cameras)."""

from __future__ import annotations

from datetime import UTC, datetime

import plotly.graph_objects as go

from ioc.camera_status import CameraStatus
from ioc.store.cameras import CameraState
from layers.cameras import STATUS_ORDER, STATUS_STYLE, camera_trace, camera_traces, hover_text

BEAT = datetime(2026, 3, 1, 1, 30, tzinfo=UTC)  # 08:30 in Đà Lạt


def state(cid: str, status: CameraStatus, unit: str | None = "W1") -> CameraState:
    return CameraState(
        id=cid,
        name=f"Camera {cid}",
        unit_code=unit,
        lon=108.4,
        lat=11.9,
        status=status,
        health="ok",
        direction_deg=None,
        fov_deg=None,
        last_heartbeat_at=BEAT,
        last_detection_at=BEAT if status is CameraStatus.ALARM else None,
    )


STATES = [
    state("a", CameraStatus.ONLINE),
    state("b", CameraStatus.OFFLINE, unit=None),
    state("c", CameraStatus.ALARM),
    state("d", CameraStatus.ONLINE),
]
NAMES = {"W1": "Phường Xuân Hương - Đà Lạt"}


def test_one_trace_per_status_in_fixed_order_alarm_on_top() -> None:
    traces = camera_traces(STATES, "vi", NAMES)
    assert [tr.meta for tr in traces] == [s.value for s in STATUS_ORDER]
    assert STATUS_ORDER[-1] is CameraStatus.ALARM
    by_status = {tr.meta: list(tr.customdata) for tr in traces}
    assert by_status == {"online": ["a", "d"], "offline": ["b"], "alarm": ["c"]}


def test_colours_sizes_and_vietnamese_legend() -> None:
    traces = {tr.meta: tr for tr in camera_traces(STATES, "vi", NAMES)}
    assert traces["online"].marker.color == STATUS_STYLE[CameraStatus.ONLINE].color == "#22c55e"
    assert traces["alarm"].marker.color == STATUS_STYLE[CameraStatus.ALARM].color
    assert traces["alarm"].marker.size > traces["online"].marker.size
    assert traces["offline"].marker.color == "#8b95a5"
    assert [traces[s].name for s in ("online", "offline", "alarm")] == [
        "Trực tuyến",
        "Mất kết nối",
        "Báo động",
    ]
    assert all(tr.showlegend for tr in traces.values())


def test_hover_has_name_unit_status_and_local_heartbeat() -> None:
    text = hover_text(STATES[0], "vi", NAMES)
    assert "<b>Camera a</b>" in text
    assert "Đơn vị: Phường Xuân Hương - Đà Lạt" in text
    assert "Trạng thái: Trực tuyến" in text
    assert "Tín hiệu cuối: 08:30:00 01/03/2026" in text


def test_hover_in_english_and_without_unit() -> None:
    text = hover_text(STATES[1], "en", NAMES)
    assert "Unit: unknown" in text and "Status: Offline" in text
    alarm = hover_text(STATES[2], "en", NAMES)
    assert "Last detection: 08:30:00 01/03/2026" in alarm


def test_camera_never_heard_from() -> None:
    silent = CameraState(
        "z", "Z", "W9", 108.0, 11.0, CameraStatus.OFFLINE, "unknown", None, None, None, None
    )
    text = hover_text(silent, "vi", NAMES)
    assert "Đơn vị: W9" in text and "Tín hiệu cuối: chưa có" in text


def test_empty_input_gives_empty_but_valid_traces() -> None:
    traces = camera_traces([], "vi", {})
    assert len(traces) == 3
    assert all(list(tr.lon) == [] for tr in traces)
    go.Figure(traces).to_json()
    assert list(camera_trace([], CameraStatus.ALARM, "en", {}).customdata) == []


def test_an_alarm_from_the_simulator_says_so() -> None:
    """The overview's alarm list marks a camera whose newest detection was simulated."""
    from dataclasses import replace

    from ioc.pages.camera_panel import alarm_items

    real = state("c", CameraStatus.ALARM)
    fake = replace(state("e", CameraStatus.ALARM), simulated=True)
    rendered = str(alarm_items([real, fake], NAMES, "vi"))
    assert rendered.count("mô phỏng") == 1
    assert str(alarm_items([real], NAMES, "vi")).count("mô phỏng") == 0
