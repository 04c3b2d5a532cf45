"""Cameras that send pictures: a snapshot URL over real HTTP, a folder of images, and the
whole camera worker watching a real tower-camera sequence (HPWREN) from a folder."""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from camera.capture import CaptureLoop, CaptureOptions
from camera.registry import CameraSource
from camera.stills import MAX_SNAPSHOT_BYTES, is_snapshot_source, sequence_times
from camera.types import CameraView
from camera.worker import CameraWorker
from ioc.config import Settings
from testkit.helpers import free_port, wait_for
from tests.integration.test_camera_capture import Recorder

HPWREN = Path(__file__).resolve().parents[2] / "camera" / "eval" / "hpwren"


def jpeg(seed: int) -> bytes:
    frame = np.random.default_rng(seed).integers(40, 200, (120, 160, 3), dtype=np.uint8)
    return bytes(cv2.imencode(".jpg", frame)[1].tobytes())


class SnapshotServer:
    """One picture at /cam.jpg behind Basic auth; can be told to fail in several ways."""

    def __init__(self) -> None:
        self.port = free_port()
        self.mode = "ok"
        self.hits = 0
        self.auth: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                outer.hits += 1
                outer.auth.append(self.headers.get("Authorization", ""))
                body = {
                    "ok": jpeg(outer.hits),
                    "html": b"<html>not a picture</html>",
                    "huge": b"\xff\xd8" + b"\0" * (MAX_SNAPSHOT_BYTES + 10),
                }.get(outer.mode, b"")
                self.send_response(500 if outer.mode == "error" else 200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def snapshots() -> Iterator[SnapshotServer]:
    server = SnapshotServer()
    yield server
    server.close()


def test_snapshot_url_is_polled_with_its_credentials_and_failures_are_outages(
    snapshots: SnapshotServer, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"http://viewer:hunter2@127.0.0.1:{snapshots.port}/cam.jpg"
    assert is_snapshot_source(url) and is_snapshot_source("snapshot+http://h/cgi?x=1")
    options = CaptureOptions(analysis_fps=10, analysis_width=80, reconnect_min_s=0.05)
    seen: list[tuple[float, tuple[int, ...]]] = []
    states: list[bool] = []
    stop = threading.Event()
    loop = CaptureLoop(url, options, lambda f, t: seen.append((t, f.shape)), states.append)
    caplog.set_level(logging.WARNING)
    thread = threading.Thread(target=loop.run, args=(stop,), daemon=True)
    thread.start()
    try:
        assert wait_for(lambda: len(seen) >= 3, 10)
        assert seen[0][1] == (60, 80, 3)  # decoded and shrunk
        assert [t for t, _ in seen] == sorted(t for t, _ in seen)
        expected = "Basic " + base64.b64encode(b"viewer:hunter2").decode()
        assert snapshots.auth[0] == expected
        for mode in ("error", "html", "huge"):
            snapshots.mode = mode
            assert wait_for(lambda: states[-1] is False, 10), mode
            snapshots.mode = "ok"
            assert wait_for(lambda: states[-1] is True, 10), mode
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    text = caplog.text
    assert "HTTP 500" in text and "not a picture" in text and "larger than" in text
    assert "hunter2" not in text


def test_folder_replays_by_the_unix_times_in_its_names(tmp_path: Path) -> None:
    for i, stamp in enumerate((1465063200, 1465063260, 1465063380)):
        (tmp_path / f"{stamp}_x.jpg").write_bytes(jpeg(i))
    (tmp_path / "1465063440_broken.jpg").write_bytes(b"not a jpeg")
    options = CaptureOptions(analysis_fps=1, analysis_width=80, loop_files=False, realtime=False)
    seen: list[float] = []
    CaptureLoop(str(tmp_path), options, lambda f, t: seen.append(t), lambda up: None).run(
        threading.Event()
    )
    assert seen == [0.0, 60.0, 180.0]  # the unreadable one is skipped, not fatal
    with pytest.raises(ValueError, match="frame_interval_s"):
        sequence_times([tmp_path / "a.jpg"], None)


def test_worker_watching_a_real_tower_sequence_raises_one_early_event_on_the_plume(
    shared_data: Path, tmp_path: Path
) -> None:
    folder = shared_data / "fire_sequences" / "20160604_FIRE_rm-n-mobo-c"
    if not folder.is_dir():
        pytest.skip("fire_sequences not in the shared data")
    view_data = json.loads((HPWREN / "view_20160604_FIRE_rm-n-mobo-c.json").read_text())
    view = CameraView.from_data(view_data["masks"], view_data["horizon"])
    settings = Settings.model_validate(
        {"var_dir": str(tmp_path), "camera_worker": {"loop_files": False}}
    )
    source = CameraSource("HPWREN-RM", str(folder), analysis_fps=1 / 60, view=view)
    recorder = Recorder()
    worker = CameraWorker(settings, [source], publisher=recorder, realtime=False)
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    try:
        assert wait_for(lambda: bool(worker.runners) and worker.runners[0].analysed >= 81, 120)
    finally:
        stop.set()
        thread.join(10)
    detections = [p for _, kind, p in recorder.messages if kind == "detection"]
    assert detections, "the plume was never reported"
    first = detections[0]
    x, y, w, h = first["bbox"]
    assert first["kind"] == "smoke" and x + w > 0.95 and 0.45 < y < 0.6  # on the plume
    assert w < 0.1 and h < 0.2
    strips = sorted((tmp_path / "snapshots").rglob("*-strip.jpg"))
    assert strips, "no strip written"
    strip = cv2.imread(str(strips[0]))
    assert strip is not None and strip.shape[0] == 160
    assert strip.shape[1] >= 2 * 160  # at least two sightings, cropped around the plume
