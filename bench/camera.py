"""Camera-worker benchmark: H.264 sub-streams per machine, motion gating, tower cameras.

Three measurements on the product's default settings and detectors (``plume``, ``smoke``,
``fire``), each against a plain baseline in the same run:

1. **Streams.** K simulated 1280×720 5 fps H.264 sub-streams (made with ffmpeg/libx264 like
   a camera's: main profile, no B-frames, a key frame every 2 s, 2 Mbit/s; 40 s of quiet
   hillside, the last quarter with a plume), each looped through the real capture path
   (OpenCV/FFmpeg decode) in real time and analysed at 2 fps by a warmed-up chain (the
   plume detector past its learning time). Each trial lasts one loop of the clip. K
   doubles, then is bisected, until a stream falls below 90 % of its analysis rate or the
   process needs more than ``--cpu-limit`` % of the cores. The same K streams are then
   only decoded (capture loop, no chain): the chain's overhead is the ratio of the two CPU
   costs. On a shared machine the real-time K is what was left over; the CPU per stream
   gives the capacity of two free cores (``streams_per_2_cores_by_cpu``).
2. **Motion gating.** The chain with the motion gate against detectors on every frame, on
   the same clip's analysis frames (the whole loop, and its quiet part), with the CPU
   share of each detector in the gated run: where the time goes.
3. **Tower cameras.** One frame a minute at 2048×1536 (real HPWREN frames when
   ``--tower-dir`` holds JPEGs, else synthetic): CPU to decode the JPEG and run the full
   chain on the full-size frame, after the plume detector's learning time; one core
   watches 60 s / that many cameras. The same with the frame first shrunk to
   ``analysis_width``, as the capture loop does by default, for comparison.

Prints progress on stderr and finally one JSON line (naming the stream codec as the
decoder reports it); ``--out FILE`` also writes that line to FILE.

    python bench/camera.py --out bench/results/camera.json
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import re
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.camera_media import (  # noqa: E402
    StreamSpec,
    codec_name,
    decoded_frames,
    stream_clip,
    tower_jpegs,
)
from camera.capture import CaptureLoop, CaptureOptions, downscale  # noqa: E402
from camera.chain import Chain  # noqa: E402
from camera.detectors import Detector, load_detectors  # noqa: E402
from camera.registry import CameraSource  # noqa: E402
from camera.types import CameraView, Detection, Image  # noqa: E402
from camera.worker import CameraRunner  # noqa: E402
from ioc.config import CameraWorkerSettings, Settings  # noqa: E402

TOWER_DIR = ROOT.parent / "shared" / "data" / "fire_sequences" / "20160604_FIRE_rm-n-mobo-c"
Frames = list[tuple[float, Image]]


class CountingPublisher:
    def __init__(self) -> None:
        self.count = 0

    def publish(self, camera_id: str, message_type: str, payload: dict[str, Any]) -> None:
        self.count += 1


class Stream(Protocol):
    analysed: int

    def run(self, stop: threading.Event) -> None: ...


class DecodeOnly:
    """The baseline: the same capture loop (decode, shrink analysis frames), no chain."""

    def __init__(self, url: str, options: CaptureOptions) -> None:
        self.analysed = 0
        self.capture = CaptureLoop(url, options, self.on_frame, lambda up: None)

    def on_frame(self, frame: Image, t: float) -> None:
        self.analysed += 1

    def run(self, stop: threading.Event) -> None:
        self.capture.run(stop)


class Timed(Detector[Any]):
    """A detector that adds the CPU time of each of its calls to ``seconds``."""

    def __init__(self, inner: Detector[Any]) -> None:
        self.inner = inner
        self.name = inner.name
        self.seconds = 0.0

    def new_state(self, still: bool = False, view: CameraView | None = None) -> Any:
        return self.inner.new_state(still=still, view=view)

    def detect(self, frame: Image, state: Any, t: float) -> list[Detection]:
        start = time.process_time()
        try:
            return self.inner.detect(frame, state, t)
        finally:
            self.seconds += time.process_time() - start


def bench_settings(var_dir: Path) -> Settings:
    """The product's defaults; only the var directory is the benchmark's own."""
    return Settings.model_validate({"var_dir": str(var_dir)})


def warm_states(chain: Chain, frames: Frames, cw: CameraWorkerSettings) -> list[Any]:
    """Detector states of a camera that has watched this scene past the plume detector's
    learning time (the clip's first frames spread over it, the last one at t = -1 s)."""
    span = cw.plume_warmup_s + 2 * cw.confirm_window_s
    count = max(2, min(len(frames), 24))
    for i in range(count):
        chain.process(
            frames[min(i, len(frames) - 1)][1], -1.0 - (count - 1 - i) * span / (count - 1)
        )
    return chain.states


def capture_options(cw: CameraWorkerSettings) -> CaptureOptions:
    return CaptureOptions(
        analysis_fps=cw.analysis_fps,
        analysis_width=cw.analysis_width,
        reconnect_min_s=cw.reconnect_min_s,
        reconnect_max_s=cw.reconnect_max_s,
        loop_files=True,
        realtime=True,
    )


def run_streams(streams: Sequence[Stream], seconds: float) -> dict[str, float]:
    """Run the streams in threads for ``seconds``: slowest analysed fps and CPU %."""
    stop = threading.Event()
    threads = [threading.Thread(target=s.run, args=(stop,), daemon=True) for s in streams]
    cpu0, wall0 = time.process_time(), time.monotonic()
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(10)
    wall, cpu = time.monotonic() - wall0, time.process_time() - cpu0
    k = len(streams)
    return {
        "fps": min(s.analysed for s in streams) / wall,
        "cpu_pct": 100 * cpu / wall / k,
        "total_cpu_pct": 100 * cpu / wall,
    }


def chain_trial(
    k: int, clip: Path, seconds: float, settings: Settings, warm: list[Any]
) -> dict[str, Any]:
    """K streams through capture → warmed chain → events, for ``seconds``."""
    publisher = CountingPublisher()
    detectors = load_detectors(settings.camera_worker)
    runners = [
        CameraRunner(CameraSource(f"BENCH-{i}", str(clip)), settings, publisher, detectors)
        for i in range(k)
    ]
    for runner in runners:
        runner.chain.states = copy.deepcopy(warm)
    result: dict[str, Any] = dict(run_streams(runners, seconds))
    result["latencies"] = [x for r in runners for x in r.latencies]
    return result


def decode_trial(k: int, clip: Path, seconds: float, settings: Settings) -> dict[str, float]:
    """The same K streams through the capture loop only."""
    options = capture_options(settings.camera_worker)
    return run_streams([DecodeOnly(str(clip), options) for _ in range(k)], seconds)


def next_k(k: int, low: int, high: int | None, max_streams: int) -> int:
    """Double until a trial fails, then bisect; 0 when done."""
    if high is None:
        return min(k * 2, max_streams) if k < max_streams else 0
    step = (low + high) // 2 if high - low > max(2, high // 8) else 0
    return 0 if step in (0, low) else step


def search(
    run: Callable[[int], dict[str, Any]], target_fps: float, args: argparse.Namespace, cores: int
) -> tuple[dict[str, Any] | None, list[float]]:
    """The largest K whose streams all keep ``target_fps`` within the CPU limit."""
    best: dict[str, Any] | None = None
    latencies: list[float] = []
    low, high, k = 0, None, 1
    while k:
        result = run(k)
        ok = result["fps"] >= 0.9 * target_fps and result["total_cpu_pct"] <= (
            args.cpu_limit * cores
        )
        say(
            f"K={k:2d} analysed {result['fps']:.2f} fps/stream  CPU {result['cpu_pct']:.1f} "
            f"%/stream ({result['total_cpu_pct']:.0f} % total) {'ok' if ok else 'falls behind'}"
        )
        if ok:
            best, low = {"k": k, **result}, k
            latencies += list(result["latencies"])
        else:
            high = k
        k = next_k(k, low, high, args.max_streams)
    return best, latencies


def timed_run(
    frames: Frames, settings: CameraWorkerSettings, gated: bool, warm: list[Any]
) -> tuple[float, dict[str, float], float]:
    """CPU seconds of the chain over ``frames``, per detector, and the share of detector runs."""
    detectors = [Timed(d) for d in load_detectors(settings)]
    chain = Chain(detectors, settings, gated=gated)
    chain.states = copy.deepcopy(warm)
    start = time.process_time()
    for t, frame in frames:
        chain.process(frame, t)
    total = time.process_time() - start
    return total, {d.name: d.seconds for d in detectors}, chain.detector_runs / len(frames)


def gating(frames: Frames, settings: CameraWorkerSettings, warm: list[Any]) -> dict[str, Any]:
    """Gated against ungated chain CPU (best of two runs each) and where the gated time goes."""
    runs = {g: [timed_run(frames, settings, g, warm) for _ in range(2)] for g in (True, False)}
    gated = min(runs[True], key=lambda r: r[0])
    ungated = min(runs[False], key=lambda r: r[0])
    total, per_detector, ran = gated
    return {
        "speedup": ungated[0] / total,
        "detector_run_share": ran,
        "gated_ms_per_frame": 1000 * total / len(frames),
        "ungated_ms_per_frame": 1000 * ungated[0] / len(frames),
        "gated_time_share": time_shares(per_detector, total),
    }


def time_shares(per_detector: dict[str, float], total: float) -> dict[str, float]:
    """Each detector's share of ``total`` CPU seconds; the rest is gate, health, confirmation."""
    shares = {name: round(s / total, 3) for name, s in per_detector.items()}
    shares["gate_health_confirm"] = round(1 - sum(per_detector.values()) / total, 3)
    return shares


def tower_pass(jpegs: list[bytes], cw: CameraWorkerSettings, width: int) -> dict[str, Any]:
    """Mean CPU per frame (decode, chain) after the plume detector's learning time, with the
    frames handed to the chain at most ``width`` px wide (0: full size)."""
    detectors = [Timed(d) for d in load_detectors(cw)]
    chain = Chain(detectors, cw)
    first = min(math.ceil(cw.plume_warmup_s / 60), len(jpegs) - 1)
    decode_s, chain_s = [], []
    for i, data in enumerate(jpegs):
        if i == first:
            for detector in detectors:
                detector.seconds = 0.0
        start = time.process_time()
        frame = np.asarray(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR))
        frame = downscale(frame, width) if width else frame
        decoded = time.process_time()
        chain.process(frame, 60.0 * i)
        if i >= first:
            decode_s.append(decoded - start)
            chain_s.append(time.process_time() - decoded)
    return {
        "frame": f"{frame.shape[1]}x{frame.shape[0]}",
        "frames_timed": len(chain_s),
        "decode_ms": round(1000 * float(np.mean(decode_s)), 1),
        "chain_ms": round(1000 * float(np.mean(chain_s)), 1),
        "chain_time_share": time_shares({d.name: d.seconds for d in detectors}, sum(chain_s)),
        "cameras_per_core": int(60.0 / float(np.mean(decode_s) + np.mean(chain_s))),
    }


def tower(args: argparse.Namespace, cw: CameraWorkerSettings) -> dict[str, Any]:
    """One-frame-a-minute tower cameras: JPEG decode + the full chain on the full-size frame,
    and (for comparison) on the frame shrunk to ``analysis_width`` as the capture loop does."""
    jpegs, source = tower_jpegs(args.tower_dir, args.tower_frames, args.tower_size)
    full = tower_pass(jpegs, cw, 0)
    return {
        "source": source,
        **full,
        "at_analysis_width": tower_pass(jpegs, cw, cw.analysis_width),
    }


def size_arg(text: str) -> tuple[int, int]:
    """``WIDTHxHEIGHT`` (even numbers, as H.264 4:2:0 needs) as a pair."""
    match = re.fullmatch(r"(\d+)x(\d+)", text)
    if not match or int(match[1]) < 32 or int(match[2]) < 32:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, at least 32x32: {text!r}")
    width, height = int(match[1]), int(match[2])
    if width % 2 or height % 2:
        raise argparse.ArgumentTypeError(f"width and height must be even: {text!r}")
    return width, height


def positive(kind: Callable[[str], float]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be above 0: {text!r}")
        return value

    return parse


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument(
        "--trial-s", type=positive(float), default=40, help="seconds per K (one loop of the clip)"
    )
    p.add_argument("--clip-s", type=positive(float), default=40, help="looped clip length (s)")
    p.add_argument("--max-streams", type=positive(int), default=64, help="largest K tried")
    p.add_argument("--cpu-limit", type=positive(float), default=90, help="max %% of all cores")
    p.add_argument("--stream-size", type=size_arg, default=(1280, 720), help="WIDTHxHEIGHT")
    p.add_argument(
        "--tower-dir",
        type=lambda text: Path(text) if text else None,
        default=TOWER_DIR if TOWER_DIR.is_dir() else None,
        help="folder of real tower JPEGs ('': synthetic frames)",
    )
    p.add_argument("--stream-fps", type=positive(int), default=5, help="sub-stream fps")
    p.add_argument("--stream-kbps", type=positive(int), default=2000, help="sub-stream bit rate")
    p.add_argument("--tower-frames", type=positive(int), default=20, help="tower frames (1/min)")
    p.add_argument(
        "--tower-size", type=size_arg, default=(2048, 1536), help="synthetic tower WIDTHxHEIGHT"
    )
    p.add_argument("--out", type=Path, help="also write the JSON line to this file")
    return p.parse_args(argv)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def streams_part(
    clip: Path, settings: Settings, args: argparse.Namespace, warm: list[Any]
) -> dict[str, Any]:
    """The stream search and the decode-only baseline at the largest K sustained."""
    cores = os.cpu_count() or 1
    fps = settings.camera_worker.analysis_fps

    def trial(k: int) -> dict[str, Any]:
        return chain_trial(k, clip, args.trial_s, settings, warm)

    best, latencies = search(trial, fps, args, cores)
    k = best["k"] if best else 1
    base = decode_trial(k, clip, args.trial_s, settings)
    say(f"K={k:2d} decode only: CPU {base['cpu_pct']:.1f} %/stream")
    cpu = float(best["cpu_pct"]) if best else None
    p95 = float(np.percentile(latencies, 95)) if latencies else None
    return {
        "cores": cores,
        "max_streams": best["k"] if best else 0,
        "analysed_fps": round(float(best["fps"]), 2) if best else 0.0,
        "cpu_per_stream_pct": round(cpu, 2) if cpu else None,
        "decode_cpu_per_stream_pct": round(base["cpu_pct"], 2),
        "chain_overhead_ratio": round(cpu / base["cpu_pct"], 2) if cpu else None,
        "streams_per_2_cores_by_cpu": int(2 * args.cpu_limit / cpu) if cpu else 0,
        "p95_frame_to_event_s": round(p95, 3) if p95 is not None else None,
    }


def measure(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    settings = bench_settings(tmp)
    cw = settings.camera_worker
    load = os.getloadavg()[0]
    width, height = args.stream_size
    spec = StreamSpec(width, height, args.stream_fps, args.stream_kbps, 2 * args.stream_fps)
    ignition = 0.75 * args.clip_s
    clip = stream_clip(tmp / "stream.mp4", args.clip_s, ignition, spec)
    frames = decoded_frames(clip, cw.analysis_fps, cw.analysis_width)
    warm = warm_states(Chain(load_detectors(cw), cw), frames, cw)
    streams = streams_part(clip, settings, args, warm)
    mixed = gating(frames, cw, warm)
    quiet = gating([f for f in frames if f[0] < ignition], cw, warm)
    say(f"gating: {mixed['speedup']:.1f}x cheaper ({quiet['speedup']:.1f}x while quiet)")
    say(f"gated time: {mixed['gated_time_share']}")
    towers = tower(args, cw)
    say(f"tower: {towers}")
    return {
        "bench": "camera",
        "codec": codec_name(clip),
        "stream": {"size": spec.size, "fps": spec.fps, "kbps": spec.bitrate_kbps, "gop": spec.gop},
        "analysis": {"fps": cw.analysis_fps, "width": cw.analysis_width},
        "detectors": list(cw.detectors),
        "load_avg_1m_at_start": round(load, 2),
        **streams,
        "gating_speedup": round(mixed["speedup"], 2),
        "gating_speedup_quiet": round(quiet["speedup"], 2),
        "gating": {"clip": _rounded(mixed), "quiet": _rounded(quiet)},
        "tower": towers,
    }


def _rounded(values: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in values.items()}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        result = measure(args, Path(tmp))
    line = json.dumps(result)
    print(line)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(line + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
