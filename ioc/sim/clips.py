"""Synthetic forest-watch clips made with OpenCV, for tests and ``ioc cameras eval``.

A textured hillside under a sky, with either a positive (a growing grey plume drifting up,
a flickering flame) or a negative that fools naive detectors (clouds drifting by, fog rolling
in, trees swaying, headlights at night, a passing truck). Clips are written as real encoded
MJPG ``.avi`` files, plus a ``manifest.csv`` (file, label, ignition_s) that
:mod:`camera.evaluate` reads. Everything is seeded: the same call makes the same clips.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from camera.types import Image

WIDTH, HEIGHT, FPS = 320, 240, 5
HORIZON = 0.38


@dataclass(frozen=True)
class ClipSpec:
    name: str
    label: str  # smoke | fire | none
    ignition_s: float | None
    seed: int


Painter = Callable[[Image, float, np.random.Generator, ClipSpec], Image]


def hillside(rng: np.random.Generator, width: int = WIDTH, height: int = HEIGHT) -> Image:
    """A sky gradient over a textured green hillside with a ridge line."""
    img = np.zeros((height, width, 3), np.float32)
    horizon = int(height * HORIZON)
    for y in range(height):
        k = y / max(horizon, 1)
        img[y] = (235 - 40 * k, 205 - 25 * k, 170 - 20 * k)
    xs = np.arange(width)
    ridge = horizon + (8 * np.sin(xs / 23.0 + rng.uniform(0, 6)) + 5 * np.sin(xs / 7.0)).astype(int)
    texture = cv2.GaussianBlur(rng.normal(0, 1, (height, width)).astype(np.float32), (0, 0), 1.2)
    for x in range(width):
        top = max(0, int(ridge[x]))
        shade = 0.75 + 0.25 * np.linspace(0, 1, height - top)
        img[top:, x] = np.stack([50 * shade, 105 * shade, 60 * shade], axis=1)
        img[top:, x] += texture[top:, x, None] * np.array([12, 22, 12])
    return np.asarray(np.clip(img, 0, 255), dtype=np.uint8)


def _blend(img: Image, colour: tuple[int, int, int], alpha: np.ndarray) -> Image:
    out = img.astype(np.float32) * (1 - alpha[..., None]) + np.array(colour) * alpha[..., None]
    return np.asarray(np.clip(out, 0, 255), dtype=np.uint8)


def paint_plume(img: Image, t: float, rng: np.random.Generator, spec: ClipSpec) -> Image:
    """A grey plume of irregular puffs rising from a fixed source, growing after ignition."""
    age = t - (spec.ignition_s or 0.0)
    if age <= 0:
        return img
    local = np.random.default_rng(spec.seed)
    sx, sy = local.uniform(0.3, 0.7) * WIDTH, local.uniform(0.6, 0.8) * HEIGHT
    wind, rise = local.uniform(-4, 6), local.uniform(12, 18)
    grey = int(local.uniform(170, 215))
    births = np.cumsum(local.exponential(1 / 4.0, 200))
    jitter = local.uniform(-1, 1, (200, 4))
    alpha = np.zeros((HEIGHT, WIDTH), np.float32)
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH]
    for k, born in enumerate(births[births < age]):
        puff_age = age - born
        cx = sx + (wind + 3 * jitter[k, 0]) * puff_age + 3 * jitter[k, 1]
        cy = sy - rise * (1 + 0.3 * jitter[k, 2]) * puff_age
        r = 4 + (5 + 1.5 * jitter[k, 3]) * puff_age
        a = (0.45 + 0.15 * jitter[k, 1]) * np.exp(-puff_age / 6.0)
        alpha = np.maximum(alpha, a * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r)))
    return _blend(img, (grey, grey, grey + 5), alpha)


def paint_flame(img: Image, t: float, rng: np.random.Generator, spec: ClipSpec) -> Image:
    """A flickering flame on the hillside (random height, width and tongues each frame)."""
    if t < (spec.ignition_s or 0.0):
        return img
    local = np.random.default_rng(spec.seed)
    bx, by = int(local.uniform(0.3, 0.7) * WIDTH), int(local.uniform(0.7, 0.85) * HEIGHT)
    out = img.copy()
    grow = min(1.0, 0.4 + (t - (spec.ignition_s or 0.0)) / 4)
    for _tongue in range(4):
        h = int(rng.uniform(18, 34) * grow)
        w = int(rng.uniform(6, 11) * grow)
        cx = bx + int(rng.uniform(-8, 8))
        cv2.ellipse(out, (cx, by - h // 2), (w, h // 2), 0, 0, 360, (0, 90, 235), -1)
        cv2.ellipse(out, (cx, by - h // 3), (w // 2 + 1, h // 3), 0, 0, 360, (60, 190, 255), -1)
        cv2.ellipse(
            out, (cx, by - h // 5), (w // 3 + 1, h // 6 + 1), 0, 0, 360, (170, 240, 255), -1
        )
    return np.asarray(cv2.GaussianBlur(out, (3, 3), 0), dtype=np.uint8)


def paint_clouds(img: Image, t: float, rng: np.random.Generator, spec: ClipSpec) -> Image:
    """White-grey clouds sliding sideways along the ridge, keeping their size."""
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH]
    alpha = np.zeros((HEIGHT, WIDTH), np.float32)
    for k, (x0, y0, r) in enumerate([(-40, 40, 22), (60, 70, 18), (150, 30, 26)]):
        cx = x0 + (10 + 3 * k) * t
        for dx in (-r, 0, r):
            alpha = np.maximum(
                alpha, 0.7 * np.exp(-((xx - cx - dx) ** 2 + (yy - y0) ** 2) / (2 * (r * 0.7) ** 2))
            )
    return _blend(img, (225, 225, 228), alpha)


def paint_fog(img: Image, t: float, rng: np.random.Generator, spec: ClipSpec) -> Image:
    """Fog rolling in: the whole picture fades towards grey."""
    alpha = np.full((HEIGHT, WIDTH), min(0.75, 0.1 * t), np.float32)
    return _blend(img, (200, 200, 200), alpha)


def paint_trees(img: Image, t: float, rng: np.random.Generator, spec: ClipSpec) -> Image:
    """Tree crowns in the foreground swaying in the wind."""
    out = img.copy()
    for k, (x0, y0) in enumerate([(40, 150), (120, 170), (250, 160), (290, 190)]):
        sway = int(6 * np.sin(2 * np.pi * 0.6 * t + k))
        cv2.line(out, (x0, HEIGHT), (x0 + sway // 2, y0), (30, 45, 60), 4)
        cv2.ellipse(out, (x0 + sway, y0), (22, 30), 0, 0, 360, (35, 120 + 10 * k, 45), -1)
    return out


def paint_headlights(img: Image, t: float, rng: np.random.Generator, spec: ClipSpec) -> Image:
    """Night: a dark scene with a car's headlights sweeping along a road."""
    out = (img.astype(np.float32) * 0.12).astype(np.uint8)
    x = int(-20 + 70 * t) % (WIDTH + 40) - 20
    for dx in (0, 14):
        cv2.circle(out, (x + dx, 200), 9, (150, 200, 220), -1)
        cv2.circle(out, (x + dx, 200), 4, (235, 250, 255), -1)
    return np.asarray(cv2.GaussianBlur(out, (5, 5), 0), dtype=np.uint8)


def paint_truck(img: Image, t: float, rng: np.random.Generator, spec: ClipSpec) -> Image:
    """A grey-white truck driving across the foreground."""
    out = img.copy()
    x = int(-90 + 55 * t)
    cv2.rectangle(out, (x, 170), (x + 70, 205), (205, 205, 200), -1)
    cv2.rectangle(out, (x + 70, 180), (x + 90, 205), (170, 170, 175), -1)
    for wx in (x + 12, x + 55, x + 80):
        cv2.circle(out, (wx, 207), 6, (20, 20, 20), -1)
    return out


PAINTERS: dict[str, Painter] = {
    "plume": paint_plume,
    "flame": paint_flame,
    "clouds": paint_clouds,
    "fog": paint_fog,
    "trees": paint_trees,
    "headlights": paint_headlights,
    "truck": paint_truck,
}

DEFAULT_SET = (
    ClipSpec("plume", "smoke", 1.0, 1),
    ClipSpec("plume", "smoke", 1.0, 2),
    ClipSpec("plume", "smoke", 0.5, 3),
    ClipSpec("flame", "fire", 1.0, 4),
    ClipSpec("flame", "fire", 0.5, 5),
    ClipSpec("clouds", "none", None, 6),
    ClipSpec("fog", "none", None, 7),
    ClipSpec("trees", "none", None, 8),
    ClipSpec("headlights", "none", None, 9),
    ClipSpec("truck", "none", None, 10),
)


def render_frames(spec: ClipSpec, seconds: float = 8.0, fps: int = FPS) -> list[Image]:
    """The frames of one clip: hillside + the scene's painter + a little sensor noise."""
    rng = np.random.default_rng(spec.seed)
    base = hillside(rng)
    painter = PAINTERS[spec.name]
    frames = []
    for i in range(int(seconds * fps)):
        frame = painter(base.copy(), i / fps, rng, spec)
        noise = rng.normal(0, 2.0, frame.shape)
        frames.append(np.asarray(np.clip(frame + noise, 0, 255), dtype=np.uint8))
    return frames


def write_video(path: Path, frames: list[Image], fps: float = FPS) -> Path:
    """Encode frames as MJPG AVI (decodable by every OpenCV/FFmpeg build)."""
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (width, height))
    if not writer.isOpened():
        raise RuntimeError(f"cannot write video {path}")
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


def build_set(
    directory: Path, specs: tuple[ClipSpec, ...] = DEFAULT_SET, seconds: float = 8.0
) -> Path:
    """Write every clip and a manifest.csv into ``directory``; return the manifest path."""
    directory.mkdir(parents=True, exist_ok=True)
    manifest = directory / "manifest.csv"
    with manifest.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "label", "ignition_s"])
        for spec in specs:
            name = f"{spec.name}_{spec.seed:02d}.avi"
            write_video(directory / name, render_frames(spec, seconds))
            ignition = "" if spec.ignition_s is None else f"{spec.ignition_s:g}"
            writer.writerow([name, spec.label, ignition])
    return manifest
