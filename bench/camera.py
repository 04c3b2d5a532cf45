"""Camera-worker benchmark: how many 720p sub-streams one machine analyses in real time.

K simulated 1280×720 5 fps sub-streams (an encoded file per stream, looped through the real
capture path in real time) are analysed at 2 fps each; K doubles (then steps up) until the
streams no longer keep their analysis rate or the CPU runs out. Prints CPU per stream, the
p95 latency from a frame's arrival to its event being published, the gating speedup (the
motion-gated chain against detectors on every frame) and finally one JSON line.

    python bench/camera.py --trial-s 15 --max-streams 16
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from camera.chain import Chain  # noqa: E402
from camera.detectors import load_detectors  # noqa: E402
from camera.registry import CameraSource  # noqa: E402
from camera.worker import CameraRunner  # noqa: E402
from ioc.config import Settings  # noqa: E402
from ioc.sim.clips import ClipSpec, render_frames  # noqa: E402


class CountingPublisher:
    def __init__(self) -> None:
        self.count = 0

    def publish(self, camera_id: str, message_type: str, payload: dict[str, Any]) -> None:
        self.count += 1


def write_720p(path: Path, seconds: float) -> Path:
    """A 1280×720 5 fps clip (mp4v; H.264 is not encodable with this OpenCV build)."""
    frames = render_frames(ClipSpec("plume", "smoke", 2.0, 1), seconds=seconds)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 5, (1280, 720))
    for frame in frames:
        writer.write(cv2.resize(frame, (1280, 720), interpolation=cv2.INTER_LINEAR))
    writer.release()
    return path


def bench_settings(var_dir: Path) -> Settings:
    return Settings.model_validate(
        {"var_dir": str(var_dir), "camera_worker": {"analysis_fps": 2, "cooldown_s": 5}}
    )


def trial(k: int, clip: Path, seconds: float, settings: Settings) -> dict[str, Any]:
    """Run K streams for ``seconds``; analysed fps per stream, CPU % per stream, latencies."""
    publisher = CountingPublisher()
    detectors = load_detectors(settings.camera_worker)
    runners = [
        CameraRunner(CameraSource(f"BENCH-{i}", str(clip)), settings, publisher, detectors)
        for i in range(k)
    ]
    stop = threading.Event()
    threads = [threading.Thread(target=r.run, args=(stop,), daemon=True) for r in runners]
    cpu0, wall0 = time.process_time(), time.monotonic()
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(10)
    wall, cpu = time.monotonic() - wall0, time.process_time() - cpu0
    return {
        "fps": min(r.analysed for r in runners) / wall,
        "cpu_pct": 100 * cpu / wall / k,
        "total_cpu_pct": 100 * cpu / wall,
        "latencies": [x for r in runners for x in r.latencies],
    }


def gating_speedup(settings: Settings, frames: int = 60) -> float:
    """Chain time per frame with detectors on every frame / with the motion gate."""
    spec = ClipSpec("plume", "smoke", frames / 5 - 2, 2)  # quiet hillside, plume at the end
    clip = [cv2.resize(f, (640, 480)) for f in render_frames(spec, seconds=frames / 5)]
    times = {}
    for gated in (True, False):
        chain = Chain(load_detectors(settings.camera_worker), settings.camera_worker, gated=gated)
        start = time.perf_counter()
        for i, frame in enumerate(clip):
            chain.process(np.asarray(frame, dtype=np.uint8), i / 5)
        times[gated] = time.perf_counter() - start
    return times[False] / times[True]


def search(
    clip: Path, settings: Settings, args: argparse.Namespace, cores: int
) -> tuple[dict[str, Any] | None, list[float]]:
    """Double K until a trial falls behind, then bisect twice between the last two."""
    best: dict[str, Any] | None = None
    latencies: list[float] = []
    low, high, k = 0, None, 1
    for _ in range(20):
        result = trial(k, clip, args.trial_s, settings)
        ok = result["fps"] >= 0.9 * 2 and result["total_cpu_pct"] <= args.cpu_limit * cores
        print(
            f"K={k:2d} analysed {result['fps']:.2f} fps/stream  CPU "
            f"{result['cpu_pct']:.1f} %/stream ({result['total_cpu_pct']:.0f} % total) "
            f"{'ok' if ok else 'falls behind'}",
            file=sys.stderr,
            flush=True,
        )
        if ok:
            best, low = {"k": k, **result}, k
            latencies += list(result["latencies"])
        else:
            high = k
        if high is None:
            k = min(k * 2, args.max_streams) if k < args.max_streams else 0
        else:
            k = (low + high) // 2 if high - low > max(2, high // 8) else 0
        if k in (0, low):
            break
    return best, latencies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trial-s", type=float, default=15, help="seconds per K (default 15)")
    parser.add_argument("--clip-s", type=float, default=12, help="length of the looped clip")
    parser.add_argument("--max-streams", type=int, default=64, help="largest K tried")
    parser.add_argument("--cpu-limit", type=float, default=90, help="max %% of all cores used")
    args = parser.parse_args(argv)
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        settings = bench_settings(Path(tmp))
        clip = write_720p(Path(tmp) / "stream.mp4", args.clip_s)
        best, latencies = search(clip, settings, args, cores)
        speedup = gating_speedup(settings)
    p95 = float(np.percentile(latencies, 95)) if latencies else None
    print(f"gating speedup {speedup:.1f}x; p95 frame-to-event {p95} s", file=sys.stderr)
    print(
        json.dumps(
            {
                "bench": "camera",
                "max_streams": best["k"] if best else 0,
                "analysed_fps": round(float(best["fps"]), 2) if best else 0.0,
                "cpu_per_stream_pct": round(float(best["cpu_pct"]), 1) if best else None,
                "gating_speedup": round(speedup, 2),
                "p95_frame_to_event_s": round(p95, 3) if p95 is not None else None,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
