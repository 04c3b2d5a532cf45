"""Smoke detector: grey, low-saturation regions that move, grow and drift upward.

After Töreyin, Dedeoğlu & Çetin (2005/2006), "Wavelet based real-time smoke detection in
video" (EUSIPCO 2005) and "Contour based smoke detection in video using wavelets" (EUSIPCO
2006), and Yuan (2008), "A fast accumulative motion orientation model based on integral
image for video smoke detection" (Pattern Recognition Letters 29(7)):

* moving pixels from a slowly updated background (Töreyin's background estimate) and dense
  optical flow between analysed frames;
* smoke colour: low saturation, neither black nor blown-out (Töreyin's chrominance test);
* smoke is semi-transparent, so it lowers the high-frequency (edge) energy of the
  background it covers (Töreyin's wavelet-energy decrease; here the Sobel energy ratio), and
  a region that adds sharp edges (a truck, a branch) is not smoke;
* smoke rises: the accumulated motion orientation points upward (Yuan 2008) and the region
  grows from its source, while clouds, headlights and vehicles slide sideways and keep size.

Regions larger than ``max_area`` of the frame (fog, a lighting change) are ignored. Flow
and rising need video: frames more than ``max_gap_s`` seconds apart start it afresh, and
distant smoke seen a frame a minute is the plume detector's (:mod:`camera.detectors.plume`). With
``still`` state (single photographs) it says nothing: see :meth:`SmokeDetector._still`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
import numpy.typing as npt

from camera.detectors.base import Detector
from camera.types import CameraView, Detection, Image, pixel_box_to_fraction
from ioc.config import CameraWorkerSettings

Mask = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float32]
WORK_WIDTH = 160


@dataclass
class SmokeState:
    """Per-camera memory: background, previous frame and previous candidate regions."""

    still: bool = False
    background: Floats | None = None
    prev_gray: Image | None = None
    prev_labels: npt.NDArray[np.int32] | None = None
    prev_areas: list[int] = field(default_factory=list)
    last_t: float | None = None


@dataclass(frozen=True)
class RegionStats:
    area: float
    rise: float
    sideways: float
    growth: float
    edge_ratio: float


@dataclass(frozen=True)
class SmokeDetector(Detector[SmokeState]):
    """Grey moving regions that rise or grow and do not sharpen the picture."""

    name: str = field(default="smoke", init=False)
    max_saturation: int = 70
    min_value: int = 60
    max_value: int = 245
    diff_threshold: int = 7
    min_area: float = 0.0025
    max_area: float = 0.4
    background_rate: float = 0.05
    min_rise: float = 0.3
    max_edge_ratio: float = 2.0
    max_gap_s: float = 2.0

    @classmethod
    def from_settings(cls, _settings: CameraWorkerSettings) -> SmokeDetector:
        return cls()

    def new_state(self, still: bool = False, view: CameraView | None = None) -> SmokeState:
        return SmokeState(still=still)

    def detect(self, frame: Image, state: SmokeState, t: float) -> list[Detection]:
        small = _work_frame(frame)
        gray = np.asarray(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
        grey = self.grey_mask(small)
        if state.still:
            return self._still(grey, gray)
        if state.last_t is not None and t - state.last_t > self.max_gap_s:
            state.background = state.prev_gray = None  # flow needs video; see the plume detector
        state.last_t = t
        if state.background is None or state.prev_gray is None:
            self._remember(state, gray, np.zeros_like(grey))
            return []
        flow = dense_flow(state.prev_gray, gray)
        moving = self._moving(gray, state.background, flow)
        candidate = _clean(grey & moving)
        found = self._judge(candidate, gray, flow, state)
        self._remember(state, gray, candidate)
        return found

    def grey_mask(self, small: Image) -> Mask:
        hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
        sat, val = hsv[..., 1], hsv[..., 2]
        mask = (sat <= self.max_saturation) & (val >= self.min_value) & (val <= self.max_value)
        return np.asarray(mask, dtype=np.bool_)

    def _moving(self, gray: Image, background: Floats, flow: Floats) -> Mask:
        diff = np.abs(gray.astype(np.float32) - background) > self.diff_threshold
        speed = np.hypot(flow[..., 0], flow[..., 1]) > 0.4
        return np.asarray(diff | speed, dtype=np.bool_)

    def _judge(
        self, candidate: Mask, gray: Image, flow: Floats, state: SmokeState
    ) -> list[Detection]:
        count, labels, stats, _ = cv2.connectedComponentsWithStats(candidate.astype(np.uint8))
        found = []
        for label in range(1, count):
            comp = labels == label
            region = region_stats(comp, flow, gray, state)
            score = self._score(region)
            if score is not None:
                x, y, w, h = (int(v) for v in stats[label][:4])
                found.append(
                    Detection("smoke", score, pixel_box_to_fraction((x, y, w, h), *_wh(gray)))
                )
        state.prev_labels = labels.astype(np.int32)
        state.prev_areas = [int(a) for a in stats[:, cv2.CC_STAT_AREA]]
        return found

    def _score(self, r: RegionStats) -> float | None:
        if not self.min_area <= r.area <= self.max_area or r.edge_ratio > self.max_edge_ratio:
            return None
        if r.rise < self.min_rise or r.sideways > 1.5 * r.rise:
            return None
        growing = r.growth >= 1.08
        score = 0.5 + 0.15 * growing + 0.15 * min(1.0, r.rise / 2) + 0.2 * min(1.0, r.area / 0.05)
        return round(min(score, 1.0), 3)

    def _still(self, _grey: Mask, _gray: Image) -> list[Detection]:
        """Single photographs: nothing. Sky, haze over a ridge and overcast are as grey and
        smooth as smoke; measured on real tower frames and photographs the old colour and
        texture rule boxed the whole sky or horizon band, so it could only mislead. Stills
        are judged by a trained model (``onnx``), not by these rules."""
        return []

    def _remember(self, state: SmokeState, gray: Image, candidate: Mask) -> None:
        g = gray.astype(np.float32)
        if state.background is None:
            state.background = g
        else:
            rate = np.where(candidate, self.background_rate / 4, self.background_rate)
            state.background = (state.background * (1 - rate) + g * rate).astype(np.float32)
        state.prev_gray = gray


def dense_flow(prev: Image, cur: Image) -> Floats:
    """Farnebäck dense optical flow (pixels per analysed frame), float32 HxWx2."""
    empty = np.zeros((*cur.shape[:2], 2), np.float32)
    flow = cv2.calcOpticalFlowFarneback(prev, cur, empty, 0.5, 3, 9, 3, 5, 1.1, 0)
    return np.asarray(flow, dtype=np.float32)


def _wh(frame: Image) -> tuple[int, int]:
    return int(frame.shape[1]), int(frame.shape[0])


def _work_frame(frame: Image) -> Image:
    height, width = frame.shape[:2]
    if width <= WORK_WIDTH:
        return frame
    size = (WORK_WIDTH, max(1, round(height * WORK_WIDTH / width)))
    return np.asarray(cv2.resize(frame, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


def _clean(mask: Mask) -> Mask:
    kernel = np.ones((3, 3), np.uint8)
    m = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, kernel)
    m = cv2.morphologyEx(m, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    return np.asarray(m > 0, dtype=np.bool_)


def _edge_energy(gray: Image) -> Floats:
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)
    return np.asarray(cv2.blur(np.abs(gx) + np.abs(gy), (5, 5)), dtype=np.float32)


def region_stats(comp: Mask, flow: Floats, gray: Image, state: SmokeState) -> RegionStats:
    """Size, motion orientation (Yuan 2008: over the pixels that move), growth and the
    edge-energy change inside one region (Töreyin: smoke blurs what it covers)."""
    vx, vy = flow[..., 0][comp], flow[..., 1][comp]
    moving = np.hypot(vx, vy) > 0.3
    rise = float(-vy[moving].mean()) if moving.sum() >= 5 else 0.0
    sideways = float(np.abs(vx[moving].mean())) if moving.sum() >= 5 else 0.0
    area = int(comp.sum())
    previous = 0
    if state.prev_labels is not None:
        for label in np.unique(state.prev_labels[comp]):
            if label > 0:
                previous += state.prev_areas[int(label)]
    growth = area / previous if previous else 1.0
    inner = cv2.erode(comp.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    inner = inner if inner.sum() >= 5 else comp
    assert state.background is not None
    bg_edges = _edge_energy(state.background.astype(np.uint8))[inner].mean()
    edges = _edge_energy(gray)[inner].mean()
    edge_ratio = float((edges + 8.0) / (bg_edges + 8.0))
    return RegionStats(area / comp.size, rise, sideways, growth, edge_ratio)
