"""Distant smoke at tower scale: a long-term background, a full-resolution horizon, growth.

A plume seen from a mountain-top camera is a few pixels wide for its first minutes and,
at one frame a minute, does not visibly *move* between frames: it appears, stays where it
started and grows. The published classic methods for this setting (the HPWREN/FIgLib
line of work, e.g. Govil et al. 2020 "Preliminary results from a wildfire detection system
using deep learning on remote camera images", and the background-subtraction baselines it
compares against; Pyronear's temporal confirmation) share three ideas, used here:

* compare each frame with a **long-term background** (an average over minutes, updated in
  real time, not the previous frame), after matching the frame's exposure to it, so a
  camera's auto-exposure and slow haze changes are not change;
* keep the **horizon band at a resolution where a few-pixel plume survives** (``width``
  pixels wide, 1024 by default, against the 160 px of the motion gate), and judge each
  pixel against its own history: a per-pixel noise level (running variance) makes
  shimmering ridges, drifting cirrus and JPEG noise need a larger change than still sky;
* **confirm by persistence and growth** over successive observations: a candidate must
  come back at the same place (its base fixed on the ground or horizon) and not shrink,
  while clouds drift off and glare comes and goes. The :class:`~camera.confirm.Confirmer`
  then needs N such detections within a window of seconds.

Per-camera geometry is data (:class:`~camera.types.CameraView`, from the registry): ignore
masks, and the skyline drawn as points ``[x, y]`` in frame fractions with a band around it.
A candidate's base must lie in that band (a plume rises from the ground at the horizon; a
cloud floats in the sky, the near slope is the close-range detectors' business). Without a
skyline the whole frame is searched. Boxes are tight around the changed region.

Everything is in seconds: how often it looks (``every_s``: a 2 fps stream is looked at
every ten seconds, a one-frame-a-minute camera at every frame), the background's time
constant, the warm-up before the first detection and how long a candidate is remembered;
the same settings serve 2 fps video and one frame a minute. Pure apart from its state: the
frame time comes from the caller.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np
import numpy.typing as npt

from camera.detectors.base import Detector
from camera.types import (
    Box,
    CameraView,
    Detection,
    Image,
    centre_inside,
    iou,
    pixel_box_to_fraction,
)
from ioc.config import CameraWorkerSettings

Floats = npt.NDArray[np.float32]
Mask = npt.NDArray[np.bool_]
Point = Sequence[float]
Band = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]


@dataclass(frozen=True)
class Candidate:
    """One changed region at one time, in work-image pixels."""

    t: float
    x: int
    y: int
    w: int
    h: int
    area: int
    strength: float

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.x, self.y, self.w, self.h


@dataclass
class PlumeState:
    """Per-camera memory: the background, its per-pixel noise and recent candidates."""

    still: bool = False
    background: Floats | None = None
    variance: Floats | None = None
    last_t: float | None = None
    first_t: float | None = None
    frames: int = 0
    history: list[Candidate] = field(default_factory=list)
    view: CameraView = field(default_factory=CameraView)
    allowed: Mask | None = None
    band: Band | None = None


@dataclass(frozen=True)
class PlumeDetector(Detector[PlumeState]):
    """Persistent, growing changes against a long-term background, anchored below the sky."""

    name: str = field(default="plume", init=False)
    width: int = 1024
    every_s: float = 10.0
    background_s: float = 600.0
    warmup_s: float = 600.0
    memory_s: float = 300.0
    z_threshold: float = 4.0
    noise_floor: float = 2.0
    min_pixels: int = 10
    max_area: float = 0.02
    max_width: float = 0.15

    @classmethod
    def from_settings(cls, settings: CameraWorkerSettings) -> PlumeDetector:
        return cls(
            width=settings.plume_width,
            every_s=settings.plume_every_s,
            background_s=settings.plume_background_s,
            warmup_s=settings.plume_warmup_s,
            memory_s=settings.plume_memory_s,
            z_threshold=settings.plume_z_threshold,
        )

    def new_state(self, still: bool = False, view: CameraView | None = None) -> PlumeState:
        return PlumeState(still=still, view=view or CameraView())

    def detect(self, frame: Image, state: PlumeState, t: float) -> list[Detection]:
        """Detections in ``frame`` taken at ``t`` seconds, updating ``state``."""
        if state.still:
            return []
        if state.last_t is not None and 0 <= t - state.last_t < self.every_s:
            return []  # a plume grows over minutes: looking every few seconds is enough
        gray = work_gray(frame, self.width)
        if state.background is None or state.background.shape != gray.shape:
            self._start(state, gray, t)
            return []
        dt = max(t - (t if state.last_t is None else state.last_t), 0.0)
        state.last_t = t
        state.frames += 1
        matched = match_exposure(gray, state.background)
        residual = high_pass(matched - state.background, gray.shape[1])
        changed = self._changed(residual, state)
        found: list[Candidate] = []
        if t - (t if state.first_t is None else state.first_t) >= self.warmup_s:
            found = self._candidates(changed, residual, state, t)
        self._learn(state, matched, residual, changed, dt)
        if state.frames < 3:
            return []
        return self._confirmed(found, state, t, gray.shape[1], gray.shape[0])

    def _start(self, state: PlumeState, gray: Floats, t: float) -> None:
        state.background = gray.copy()
        state.variance = np.full(gray.shape, self.noise_floor**2 * 4, np.float32)
        state.first_t = state.last_t = t
        state.frames = 1
        state.history = []
        state.allowed = allowed_area(gray.shape, state.view.masks)
        state.band = band_rows(gray.shape, state.view)

    def _changed(self, residual: Floats, state: PlumeState) -> Mask:
        assert state.variance is not None and state.allowed is not None
        sigma = np.sqrt(state.variance + self.noise_floor**2)
        z = np.abs(residual) / sigma
        mask = (z > self.z_threshold) & state.allowed
        closed = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
        return np.asarray(closed > 0, dtype=np.bool_)

    def _learn(
        self, state: PlumeState, matched: Floats, residual: Floats, changed: Mask, dt: float
    ) -> None:
        """Background and per-pixel noise follow the scene with a time constant in seconds;
        changed pixels learn eight times slower so a growing plume is not swallowed."""
        assert state.background is not None and state.variance is not None
        rate = 1.0 - math.exp(-dt / self.background_s) if dt > 0 else 0.0
        rates = np.where(changed, rate / 8.0, rate).astype(np.float32)
        state.background += rates * (matched - state.background)
        capped = np.minimum(residual * residual, 400.0).astype(np.float32)
        state.variance += rates * (capped - state.variance)

    def _candidates(
        self, changed: Mask, residual: Floats, state: PlumeState, t: float
    ) -> list[Candidate]:
        count, labels, stats, _ = cv2.connectedComponentsWithStats(changed.astype(np.uint8))
        height, width = changed.shape
        found = []
        for label in range(1, count):
            x, y, w, h, area = (int(v) for v in stats[label])
            if area < self.min_pixels or area > self.max_area * width * height:
                continue
            if w > self.max_width * width or not _rooted(state.band, x, y + h, w):
                continue
            strength = float(np.abs(residual[labels == label]).mean())
            found.append(Candidate(t, x, y, w, h, area, strength))
        return found

    def _confirmed(
        self, found: list[Candidate], state: PlumeState, t: float, width: int, height: int
    ) -> list[Detection]:
        recent = [c for c in state.history if t - c.t <= self.memory_s]
        detections = []
        for cand in found:
            before = [c for c in recent if c.t < t and _near(c, cand)]
            if before and _growing(before, cand):
                box = pixel_box_to_fraction(cand.box, width, height)
                detections.append(Detection("smoke", _score(cand, before), box))
        state.history = recent + found
        return detections


def _near(old: Candidate, new: Candidate) -> bool:
    """The same place: boxes overlap, or one's centre lies in the other grown by its size."""
    a = (float(old.x), float(old.y), float(old.w), float(old.h))
    b = (float(new.x), float(new.y), float(new.w), float(new.h))
    if iou(a, b) > 0:
        return True
    return centre_inside(a, _grown(b)) or centre_inside(b, _grown(a))


def _grown(box: Box) -> Box:
    x, y, w, h = box
    return (x - w / 2, y - h / 2, 2 * w, 2 * h)


def _growing(before: list[Candidate], cand: Candidate) -> bool:
    """Not shrinking away and not drifting: the plume stays rooted where it began (the
    first sighting's centre stays within the new box), while a cloud or a glint moves on."""
    first = min(before, key=lambda c: c.t)
    cx = first.x + first.w / 2
    rooted = cand.x - 2 <= cx <= cand.x + cand.w + 2
    return rooted and cand.area >= 0.6 * first.area


def _score(cand: Candidate, before: list[Candidate]) -> float:
    persistence = min(1.0, len({c.t for c in before}) / 3)
    contrast = min(1.0, cand.strength / 20.0)
    return round(0.5 + 0.3 * persistence + 0.2 * contrast, 3)


def work_gray(frame: Image, width: int) -> Floats:
    """The frame as grey float32 at most ``width`` pixels wide, lightly smoothed."""
    gray = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    h, w = gray.shape[:2]
    if w > width:
        size = (width, max(1, round(h * width / w)))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    return np.asarray(cv2.GaussianBlur(gray.astype(np.float32), (3, 3), 0), dtype=np.float32)


def match_exposure(gray: Floats, background: Floats) -> Floats:
    """``gray`` mapped by the gain and offset that best fit it to ``background`` (robust)."""
    cur = gray[::4, ::4].ravel()
    ref = background[::4, ::4].ravel()
    gain, offset = _fit(cur, ref)
    residual = np.abs(cur * gain + offset - ref)
    keep = residual <= max(3.0 * float(np.median(residual)), 1.0)
    if keep.sum() > 100:
        gain, offset = _fit(cur[keep], ref[keep])
    return np.asarray(gray * gain + offset, dtype=np.float32)


def _fit(x: Floats, y: Floats) -> tuple[float, float]:
    vx = float(x.var())
    if vx < 1e-6:
        return 1.0, float(y.mean() - x.mean())
    gain = float(((x - x.mean()) * (y - y.mean())).mean() / vx)
    gain = min(max(gain, 0.5), 2.0)
    return gain, float(y.mean() - gain * x.mean())


def high_pass(residual: Floats, width: int) -> Floats:
    """The residual less its large-scale part (haze gradients, vignetting drift)."""
    sigma = max(width / 48.0, 3.0)
    return np.asarray(residual - cv2.GaussianBlur(residual, (0, 0), sigma), dtype=np.float32)


def allowed_area(shape: tuple[int, ...], masks: Sequence[Sequence[Point]]) -> Mask:
    """Pixels outside every ignore polygon (polygons as ``[x, y]`` frame fractions)."""
    height, width = int(shape[0]), int(shape[1])
    allowed = np.ones((height, width), np.uint8)
    for poly in masks:
        pts = np.array([[p[0] * width, p[1] * height] for p in poly], np.int32)
        if len(pts) >= 3:
            cv2.fillPoly(allowed, [pts], 0)
    return np.asarray(allowed > 0, dtype=np.bool_)


def band_rows(shape: tuple[int, ...], view: CameraView) -> Band | None:
    """Per column, the rows between which a plume's base may lie (None: anywhere)."""
    if len(view.horizon) < 2:
        return None
    height, width = int(shape[0]), int(shape[1])
    xs = np.array([p[0] for p in view.horizon]) * width
    ys = np.array([p[1] for p in view.horizon]) * height
    order = np.argsort(xs)
    line = np.interp(np.arange(width), xs[order], ys[order])
    return line - view.band_above * height, line + view.band_below * height


def _rooted(
    band: Band | None,
    x: int,
    bottom: int,
    w: int,
) -> bool:
    """Whether a region's bottom lies in the horizon band somewhere along its width."""
    if band is None:
        return True
    top, low = band[0][x : x + w], band[1][x : x + w]
    return bool(((bottom >= top) & (bottom <= low)).any())
