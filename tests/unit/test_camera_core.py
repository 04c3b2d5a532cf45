"""Pure parts of the camera worker: URL redaction, back-off, motion, health, confirmation,
payloads and evaluation metrics."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from camera.capture import downscale, is_file_source, redact_url
from camera.chain import Chain, unmasked
from camera.confirm import Confirmer
from camera.evaluate import ClipResult, Event, Sample, metrics, read_manifest
from camera.events import detection_payload, heartbeat_payload, tile_strip
from camera.health import HealthMonitor, picture_health
from camera.motion import MotionGate, motion_regions
from camera.types import Detection, iou
from ioc.config import CameraWorkerSettings
from ioc.mqtt.payloads import CameraHealth, DetectionV1, HeartbeatV1
from ioc.store.cameras import snapshot_folder


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "rtsp://admin:s3cret@10.0.0.5:554/Streaming/101",
            "rtsp://admin:***@10.0.0.5:554/Streaming/101",
        ),
        (
            "http://cam.local/video.mjpg?user=a&password=x&fps=5",
            "http://cam.local/video.mjpg?user=a&password=***&fps=5",
        ),
        ("https://tok@host/live?token=abc", "https://***@host/live?token=***"),
        ("/data/clip.avi", "/data/clip.avi"),
    ],
)
def test_redact_url_hides_credentials(url: str, expected: str) -> None:
    assert redact_url(url) == expected
    assert "s3cret" not in redact_url(url) and "abc" not in redact_url(url)


def test_file_sources_and_downscale() -> None:
    assert is_file_source("/tmp/a.avi") and is_file_source("file:///tmp/a.avi")
    assert not is_file_source("rtsp://h/x") and not is_file_source("http://h/x")
    assert downscale(np.zeros((720, 1280, 3), np.uint8), 640).shape == (360, 640, 3)
    assert downscale(np.zeros((240, 320, 3), np.uint8), 640).shape == (240, 320, 3)


def scene(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(60, 120, (240, 320, 3), dtype=np.uint8)


def test_motion_regions_find_the_moving_square_only() -> None:
    prev = np.full((120, 160), 80, np.uint8)
    cur = prev.copy()
    cur[40:60, 100:120] = 200
    (box,) = motion_regions(prev, cur)
    assert iou(box, (100 / 160, 40 / 120, 20 / 160, 20 / 120)) > 0.5
    assert motion_regions(prev, prev.copy()) == []


def test_motion_gate_runs_on_motion_first_frame_and_every_few_seconds() -> None:
    gate = MotionGate(width=160, safety_every_s=1.5)
    still = scene()
    runs = [gate.should_run(gate.regions(still), i / 2) for i in range(7)]  # 2 fps
    assert runs == [True, False, False, True, False, False, True]
    moved = still.copy()
    moved[100:150, 100:150] = 255
    assert gate.should_run(gate.regions(moved), 3.5)
    masked = MotionGate(width=160, masks=[[[0.2, 0.3], [0.6, 0.3], [0.6, 0.7], [0.2, 0.7]]])
    masked.regions(still)
    assert masked.regions(moved) == []


def test_picture_health_values() -> None:
    textured = scene()
    assert picture_health(textured[..., 0]) == CameraHealth.OK
    assert picture_health(np.full((120, 160), 10, np.uint8)) == CameraHealth.DARK
    assert picture_health(np.full((120, 160), 140, np.uint8)) == CameraHealth.COVERED
    smooth = np.tile(np.linspace(60, 200, 160, dtype=np.uint8), (120, 1))
    assert picture_health(smooth) == CameraHealth.BLURRED
    monitor = HealthMonitor(frozen_s=60)
    states = [monitor.update(textured, 30.0 * i) for i in range(4)]  # a frame every 30 s
    assert states[:2] == [CameraHealth.OK] * 2 and states[2:] == [CameraHealth.FROZEN] * 2
    assert monitor.update(scene(1), 120.0) == CameraHealth.OK
    video = HealthMonitor(frozen_s=60)  # the same rule in seconds at 2 fps
    assert video.update(textured, 0.0) == CameraHealth.OK
    assert video.update(textured, 59.5) == CameraHealth.OK
    assert video.update(textured, 60.0) == CameraHealth.FROZEN


def det(kind: str = "smoke", x: float = 0.4) -> Detection:
    return Detection(kind, 0.7, (x, 0.4, 0.1, 0.1))


def test_confirmation_needs_n_within_the_window_and_cools_down() -> None:
    confirmer = Confirmer(n=3, window_s=5, cooldown_s=60)
    seen = [confirmer.update([det()] if hit else [], t) for t, hit in enumerate([1, 0, 1, 0, 1])]
    assert [len(s) for s in seen] == [0, 0, 0, 0, 1]
    assert all(not confirmer.update([det(x=0.42)], t) for t in range(5, 30))  # same plume
    assert confirmer.update([det("fire")], 30) == []  # other kinds count on their own
    late = [confirmer.update([det()], t) for t in range(70, 80)]
    assert sum(len(x) for x in late) == 1  # after the cool-down it may alert again
    sparse = Confirmer(n=3, window_s=5)
    assert not any(sparse.update([det()] if t % 3 == 0 else [], t) for t in range(30))


def test_confirmation_behaves_alike_at_two_fps_and_one_frame_a_minute() -> None:
    """The same seconds-based settings: 3 hits within 180 s confirm a minute-rate plume on
    its third frame and a 2 fps plume after 1 s; sporadic video noise never confirms."""
    minute = Confirmer(n=3, window_s=180, cooldown_s=300)
    times = [0.0, 60.0, 120.0]
    assert [bool(minute.update([det()], t)) for t in times] == [False, False, True]
    video = Confirmer(n=3, window_s=180, cooldown_s=300)
    assert [bool(video.update([det()], i / 2)) for i in range(3)] == [False, False, True]
    noisy = Confirmer(n=3, window_s=180, cooldown_s=300)
    hits = [noisy.update([det()] if i % 40 == 0 else [], i / 2) for i in range(400)]
    assert not any(hits)  # one frame in 40 at 2 fps is noise, not a plume


def test_chain_drops_masked_detections_and_confirms() -> None:
    masks = [[[0.0, 0.0], [0.5, 0.0], [0.5, 1.0], [0.0, 1.0]]]
    assert unmasked([det(x=0.1), det(x=0.7)], masks) == [det(x=0.7)]
    chain = Chain([], CameraWorkerSettings(), still=True)
    out = chain.process(scene(), 0.0)
    assert out.ran_detectors and out.events == [] and out.health == CameraHealth.OK


def test_payloads_follow_the_v1_contract(tmp_path: Path) -> None:
    ts = datetime(2026, 11, 25, 7, 31, tzinfo=UTC)
    payload = detection_payload(det(), ts, None)
    parsed = DetectionV1.model_validate(payload)
    assert parsed.kind == "smoke" and parsed.bbox == (0.4, 0.4, 0.1, 0.1)
    hb = HeartbeatV1.model_validate(heartbeat_payload(ts, CameraHealth.NO_SIGNAL, 1.96))
    assert hb.health == CameraHealth.NO_SIGNAL and hb.fps == 1.96
    assert snapshot_folder("../LD DL/01") == "_LD_DL_01"
    strip = tile_strip([scene(), scene(1)], height=60)
    assert strip.shape == (60, 160, 3)


def test_metrics_per_class_false_alarms_and_time_to_detect(tmp_path: Path) -> None:
    def clip(label: str, ignition: float | None, *events: tuple[float, str]) -> ClipResult:
        return ClipResult(
            Sample(tmp_path / f"{label}.avi", label, ignition),
            duration_s=900,
            frames=1800,
            events=[Event(t, k, 0.8) for t, k in events],
        )

    results = [
        clip("smoke", 10, (14, "smoke")),
        clip("smoke", 10, (5, "smoke")),  # before ignition: false alarm, and a miss
        clip("fire", None, (3, "fire")),
        clip("none", None, (100, "smoke")),
    ]
    m = metrics(results)
    assert m["recall"] == {"smoke": 0.5, "fire": 1.0}
    assert m["precision"] == {"smoke": 0.5, "fire": 1.0}
    assert m["f1"]["smoke"] == 0.5
    assert m["false_alarms"] == 2
    assert m["false_alarms_per_camera_hour"] == 2.0
    assert m["median_time_to_detect_s"] == 3.5


def test_manifest_columns_and_headerless(tmp_path: Path) -> None:
    (tmp_path / "manifest.csv").write_text("file,label,ignition_s\na.avi,smoke,2.5\nb.avi,none,\n")
    assert read_manifest(tmp_path) == [
        Sample(tmp_path / "a.avi", "smoke", 2.5),
        Sample(tmp_path / "b.avi", "none", None),
    ]
    (tmp_path / "manifest.csv").write_text("x.jpg,fire,image,repo\nLICENSE,meta,license,repo\n")
    assert read_manifest(tmp_path) == [Sample(tmp_path / "x.jpg", "fire", None)]
    (tmp_path / "manifest.csv").write_text(
        "file,label,ignition_s,frame_interval_s,boxes\nseq,smoke,2400,60,labels\n"
    )
    assert read_manifest(tmp_path) == [
        Sample(tmp_path / "seq", "smoke", 2400.0, 60.0, tmp_path / "labels")
    ]
    (tmp_path / "manifest.csv").write_text("file,label,ignition_s\nseq,smoke,soon\n")
    with pytest.raises(ValueError, match="row 2"):
        read_manifest(tmp_path)


def test_strip_region_shows_a_small_box_with_its_surroundings() -> None:
    from camera.events import around, inside

    region = around((0.97, 0.55, 0.02, 0.02))
    assert region[2] == pytest.approx(0.2) and region[0] + region[2] == pytest.approx(1.0)
    x, y, w, h = inside((0.97, 0.55, 0.02, 0.02), region)
    assert 0 <= x <= 1 and 0 <= y <= 1 and w == pytest.approx(0.1) and h == pytest.approx(0.1)
    big = around((0.1, 0.1, 0.5, 0.5))
    assert big == pytest.approx((0.0, 0.0, 1.0, 1.0))
