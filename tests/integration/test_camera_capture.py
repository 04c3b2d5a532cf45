"""The real capture path: an encoded video file, and an HTTP MJPEG stream served by the test
that dies and comes back (the loop reconnects and heartbeats say no_signal meanwhile)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from camera.capture import CaptureLoop, CaptureOptions
from camera.registry import CameraSource
from camera.worker import CameraWorker
from ioc.config import Settings
from ioc.sim.clips import ClipSpec, render_frames, write_video
from testkit.helpers import free_port, wait_for


class Recorder:
    """A publisher that keeps what it is given."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str, dict[str, Any]]] = []

    def publish(self, camera_id: str, message_type: str, payload: dict[str, Any]) -> None:
        self.messages.append((camera_id, message_type, payload))

    def healths(self) -> list[str]:
        return [p["health"] for _, kind, p in self.messages if kind == "heartbeat"]


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    frames = render_frames(ClipSpec("trees", "none", None, 8), seconds=4.0)
    big = [np.asarray(cv2.resize(f, (640, 480)), dtype=np.uint8) for f in frames]
    return write_video(tmp_path_factory.mktemp("clips") / "trees.avi", big, fps=5)


def collect(
    url: str, options: CaptureOptions, stop_after: int | None = None
) -> list[tuple[float, tuple[int, ...]]]:
    seen: list[tuple[float, tuple[int, ...]]] = []
    stop = threading.Event()

    def on_frame(frame: np.ndarray, t: float) -> None:
        seen.append((t, frame.shape))
        if stop_after is not None and len(seen) >= stop_after:
            stop.set()

    CaptureLoop(url, options, on_frame, lambda up: None).run(stop)
    return seen


def test_file_is_sampled_at_analysis_rate_and_downscaled(clip: Path) -> None:
    options = CaptureOptions(analysis_fps=2, analysis_width=320, loop_files=False, realtime=False)
    seen = collect(str(clip), options)
    assert len(seen) == 8  # 4 s of 5 fps video analysed at 2 fps
    assert all(shape == (240, 320, 3) for _, shape in seen)
    times = [t for t, _ in seen]
    assert times[0] == 0 and all(0.39 <= b - a <= 0.61 for a, b in pairwise(times))


def test_file_loops_with_increasing_time(clip: Path) -> None:
    options = CaptureOptions(analysis_fps=2, analysis_width=320, loop_files=True, realtime=False)
    times = [t for t, _ in collect(f"file://{clip}", options, stop_after=20)]
    assert len(times) == 20 and times == sorted(times) and times[-1] > 9


class MjpegServer:
    """multipart/x-mixed-replace JPEG frames on 127.0.0.1, which can be killed and revived."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.alive = threading.Event()
        self.server: ThreadingHTTPServer | None = None
        self.rng = np.random.default_rng(0)

    def start(self) -> None:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
                self.end_headers()
                while outer.alive.is_set():
                    frame = outer.rng.integers(40, 200, (240, 320, 3), dtype=np.uint8)
                    _ok, jpeg = cv2.imencode(".jpg", frame)
                    part = b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n"
                    try:
                        self.wfile.write(part % len(jpeg) + jpeg.tobytes() + b"\r\n")
                    except OSError:
                        return
                    time.sleep(0.1)

        self.alive.set()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def kill(self) -> None:
        self.alive.clear()
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def mjpeg() -> Iterator[MjpegServer]:
    server = MjpegServer(free_port())
    server.start()
    yield server
    if server.alive.is_set():
        server.kill()


def test_mjpeg_stream_dies_and_comes_back(mjpeg: MjpegServer, tmp_path: Path) -> None:
    settings = Settings.model_validate(
        {
            "var_dir": str(tmp_path),
            "camera_worker": {
                "reconnect_min_s": 0.2,
                "reconnect_max_s": 0.5,
                "heartbeat_interval_s": 0.2,
                "analysis_fps": 5,
                "detectors": [],
            },
        }
    )
    url = f"http://viewer:hunter2@127.0.0.1:{mjpeg.port}/stream.mjpg"
    recorder = Recorder()
    worker = CameraWorker(settings, [CameraSource("LD-HTTP-01", url)], publisher=recorder)
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    try:
        assert wait_for(lambda: bool(worker.runners) and worker.runners[0].analysed >= 5, 15)
        runner = worker.runners[0]
        assert wait_for(lambda: "ok" in recorder.healths(), 5)
        assert runner.capture.name == f"http://viewer:***@127.0.0.1:{mjpeg.port}/stream.mjpg"
        mjpeg.kill()
        assert wait_for(lambda: not runner.capture.connected, 10), "loss not noticed"
        assert wait_for(lambda: recorder.healths()[-1] == "no_signal", 5)
        assert wait_for(lambda: runner.capture.reconnects >= 2, 5)  # keeps trying, backing off
        before = runner.analysed
        mjpeg.start()
        assert wait_for(lambda: runner.capture.connected and runner.analysed > before + 3, 15)
        assert wait_for(lambda: recorder.healths()[-1] == "ok", 5)
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert all("hunter2" not in str(m) for m in recorder.messages)
