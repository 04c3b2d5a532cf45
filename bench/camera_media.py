"""Media for the camera benchmark: H.264 sub-streams made with ffmpeg, tower-camera JPEGs.

Real IP cameras send H.264 (main profile, no B-frames, a key frame every second or two, a
fixed bit rate), so the benchmark's streams are encoded that way with ffmpeg's libx264 from
the synthetic hillside generator (:mod:`ioc.sim.clips`), scaled up to the stream size
with a little sensor noise so the encoder has real texture to spend bits on. Tower cameras
(HPWREN-style, one 2048×1536 JPEG a minute) are read from a folder of real frames when one
is given, else made from the same generator.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from camera.capture import open_capture, sampled_frames
from camera.types import Image
from ioc.sim.clips import ClipSpec, render_frames


@dataclass(frozen=True)
class StreamSpec:
    """How a simulated camera encodes its sub-stream."""

    width: int = 1280
    height: int = 720
    fps: int = 5
    bitrate_kbps: int = 2000
    gop: int = 10  # a key frame every two seconds at 5 fps

    @property
    def size(self) -> str:
        return f"{self.width}x{self.height}"


def require_ffmpeg() -> str:
    """The ffmpeg executable, or a clear error naming the package to install."""
    found = shutil.which("ffmpeg")
    if found is None:
        raise RuntimeError("ffmpeg not found: install it (Debian: apt-get install ffmpeg)")
    return found


def h264_command(ffmpeg: str, spec: StreamSpec, path: Path) -> list[str]:
    """ffmpeg reading raw BGR frames on stdin and writing an H.264 MP4 like a camera's."""
    rate = f"{spec.bitrate_kbps}k"
    return [
        ffmpeg,
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "bgr24",
        "-s",
        spec.size,
        "-r",
        str(spec.fps),
        "-i",
        "-",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-profile:v",
        "main",
        "-pix_fmt",
        "yuv420p",
        "-g",
        str(spec.gop),
        "-bf",
        "0",
        "-b:v",
        rate,
        "-maxrate",
        rate,
        "-bufsize",
        f"{2 * spec.bitrate_kbps}k",
        str(path),
    ]


def encode_h264(frames: Iterable[Image], path: Path, spec: StreamSpec) -> Path:
    """Encode BGR frames (already ``spec`` sized) into an H.264 MP4 at ``path``."""
    proc = subprocess.Popen(
        h264_command(require_ffmpeg(), spec, path),
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None
    try:
        for frame in frames:
            proc.stdin.write(np.ascontiguousarray(frame).tobytes())
    finally:
        proc.stdin.close()
        error = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        code = proc.wait()
    if code != 0:
        raise RuntimeError(f"ffmpeg failed ({code}): {error.strip()}")
    return path


def scaled_with_noise(frames: Iterable[Image], width: int, height: int, seed: int) -> list[Image]:
    """Frames resized to ``width``×``height`` with Gaussian sensor noise (σ = 2 grey levels)."""
    rng = np.random.default_rng(seed)
    out = []
    for frame in frames:
        big = cv2.resize(frame, (width, height), interpolation=cv2.INTER_LINEAR)
        noise = np.asarray(rng.normal(0, 2.0, big.shape), dtype=np.float32)
        noisy = big.astype(np.float32) + noise
        out.append(np.asarray(np.clip(noisy, 0, 255), dtype=np.uint8))
    return out


def stream_clip(path: Path, seconds: float, ignition_s: float, spec: StreamSpec) -> Path:
    """An H.264 hillside clip: quiet until ``ignition_s``, then a growing plume."""
    small = render_frames(ClipSpec("plume", "smoke", ignition_s, 1), seconds, spec.fps)
    return encode_h264(scaled_with_noise(small, spec.width, spec.height, 1), path, spec)


def codec_name(path: Path) -> str:
    """The codec the decoder reports for ``path`` (its FourCC, e.g. ``h264``), lower case."""
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    try:
        fourcc = int(cap.get(cv2.CAP_PROP_FOURCC))
    finally:
        cap.release()
    return fourcc.to_bytes(4, "little").decode("ascii", errors="replace").strip("\0 ").lower()


def decoded_frames(path: Path, analysis_fps: float, width: int) -> list[tuple[float, Image]]:
    """(media time, analysis frame) pairs of a clip, sampled as the capture loop does."""
    cap = open_capture(str(path))
    if cap is None:
        raise RuntimeError(f"cannot open {path}")
    try:
        return list(sampled_frames(cap, analysis_fps, True, width))
    finally:
        cap.release()


def tower_jpegs(
    directory: Path | None, count: int, size: tuple[int, int]
) -> tuple[list[bytes], str]:
    """``count`` JPEG frames of a tower camera and where they came from.

    From ``directory`` (its last ``count`` ``.jpg`` files in name order: the plume is up)
    when it holds any, else synthetic hillside frames of ``size`` (width, height).
    """
    files = sorted(directory.glob("*.jpg"))[-count:] if directory and directory.is_dir() else []
    if files:
        return [f.read_bytes() for f in files], str(directory)
    spec = ClipSpec("plume", "smoke", 0.0, 3)
    small = render_frames(spec, seconds=count, fps=1)
    frames = scaled_with_noise(small, size[0], size[1], 3)
    return [jpeg(frame) for frame in frames], "synthetic"


def jpeg(frame: Image, quality: int = 90) -> bytes:
    """``frame`` encoded as a JPEG file's bytes."""
    ok, buffer = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return bytes(buffer.tobytes())
