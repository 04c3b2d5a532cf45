"""Flame detector from colour rules plus flicker over time.

Pixels are fire-coloured when they pass both classic rule sets:

* Chen, Wu & Chiou (2004), "An early fire-detection method based on image processing",
  ICIP 2004: ``R > R_T``, ``R >= G > B`` and ``S >= (255 - R) * S_T / R_T``;
* Çelik & Demirel (2009), "Fire detection in video sequences using a generic color model",
  Fire Safety Journal 44(2): in YCbCr, ``Y > Cb``, ``Cr > Cb``, ``Y > mean(Y)``,
  ``Cb < mean(Cb)``, ``Cr > mean(Cr)`` and ``|Cb - Cr| >= tau``.

Fire-coloured regions then have to behave like flames (Chen 2004's dynamic test): they stay
in place while their outline and brightness flicker between frames. A static orange wall or a
red truck driving past is coloured like fire but fails the temporal test, which needs video:
frames more than ``max_gap_s`` seconds apart (a camera sending one picture a minute) say
nothing about flicker, so the detector waits for two close frames. With ``still`` state
(single photographs) only the colour rules and the region size decide. It works at most
``work_width`` pixels wide: a flame worth reporting is many pixels at 640, and on a
2048-px tower frame the colour rules over every pixel were most of the chain's time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
import numpy.typing as npt

from camera.capture import downscale
from camera.detectors.base import Detector
from camera.types import CameraView, Detection, Image, pixel_box_to_fraction
from ioc.config import CameraWorkerSettings

Mask = npt.NDArray[np.bool_]


@dataclass
class FireState:
    """Per-camera memory: the previous fire mask and grey frame."""

    still: bool = False
    prev_mask: Mask | None = None
    prev_gray: Image | None = None
    frames: int = 0
    last_t: float | None = None


@dataclass(frozen=True)
class FireDetector(Detector[FireState]):
    """Chen (2004) + Çelik (2009) colour rules, then flicker and persistence."""

    name: str = field(default="fire", init=False)
    r_threshold: int = 125
    s_threshold: int = 60
    cbcr_tau: int = 40
    min_area: float = 0.0008
    min_flicker: float = 0.12
    min_persist: float = 0.3
    max_gap_s: float = 2.0
    work_width: int = 640

    @classmethod
    def from_settings(cls, _settings: CameraWorkerSettings) -> FireDetector:
        return cls()

    def new_state(self, still: bool = False, view: CameraView | None = None) -> FireState:
        return FireState(still=still)

    def detect(self, frame: Image, state: FireState, t: float) -> list[Detection]:
        if not state.still and _stale(state.last_t, t, self.max_gap_s):
            state.prev_mask = state.prev_gray = None  # flicker needs video: frames too far apart
        state.last_t = t
        frame = downscale(frame, self.work_width)  # flames need no more; boxes are fractions
        mask = fire_colour_mask(frame, self.r_threshold, self.s_threshold, self.cbcr_tau)
        gray = np.asarray(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
        found = []
        for x, y, w, h, comp in fire_regions(mask, self.min_area):
            score = self._score(comp, mask, gray, state)
            if score is not None:
                found.append(
                    Detection("fire", score, pixel_box_to_fraction((x, y, w, h), *_wh(frame)))
                )
        state.prev_mask, state.prev_gray = mask, gray
        state.frames += 1
        return found

    def _score(self, comp: Mask, mask: Mask, gray: Image, state: FireState) -> float | None:
        area = float(comp.mean())
        size_score = min(1.0, area / 0.01)
        if state.still:
            return round(0.5 + 0.4 * size_score, 3)
        if state.prev_mask is None or state.prev_gray is None:
            return None
        flicker, persist = flicker_and_persistence(
            comp, mask, state.prev_mask, gray, state.prev_gray
        )
        if flicker < self.min_flicker or persist < self.min_persist:
            return None
        return round(0.5 + 0.25 * size_score + 0.25 * min(1.0, flicker / 0.4), 3)


def _wh(frame: Image) -> tuple[int, int]:
    return int(frame.shape[1]), int(frame.shape[0])


def _stale(last_t: float | None, t: float, max_gap_s: float) -> bool:
    return last_t is not None and t - last_t > max_gap_s


def fire_colour_mask(frame: Image, r_t: int = 125, s_t: int = 60, tau: int = 40) -> Mask:
    """Pixels passing both the Chen (RGB/HSV) and the Çelik (YCbCr) fire-colour rules."""
    b, g, r = (frame[..., i].astype(np.int16) for i in range(3))
    sat = cv2.cvtColor(frame, cv2.COLOR_BGR2HSV)[..., 1].astype(np.float32)
    chen = (r > r_t) & (r >= g) & (g > b) & (sat >= (255 - r) * (s_t / r_t))
    ycrcb = cv2.cvtColor(frame, cv2.COLOR_BGR2YCrCb).astype(np.int16)
    y, cr, cb = ycrcb[..., 0], ycrcb[..., 1], ycrcb[..., 2]
    celik = (y > cb) & (cr > cb) & (y > y.mean()) & (cb < cb.mean()) & (cr > cr.mean())
    celik &= np.abs(cb - cr) >= tau
    return np.asarray(chen & celik, dtype=np.bool_)


def fire_regions(mask: Mask, min_area: float) -> list[tuple[int, int, int, int, Mask]]:
    """Connected fire-coloured regions larger than ``min_area`` (fraction of the frame)."""
    cleaned = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    cleaned = cv2.dilate(cleaned, np.ones((5, 5), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(cleaned, connectivity=8)
    total = mask.size
    regions = []
    for label in range(1, count):
        x, y, w, h, _area = (int(v) for v in stats[label])
        comp = (labels == label) & mask
        if comp.sum() >= min_area * total:
            regions.append((x, y, w, h, comp))
    return regions


def flicker_and_persistence(
    comp: Mask, mask: Mask, prev_mask: Mask, gray: Image, prev_gray: Image
) -> tuple[float, float]:
    """How much a region's outline/brightness changed since the last frame, and how much of
    it was already fire-coloured then (flames flicker but stay put)."""
    pixels = max(int(comp.sum()), 1)
    ys, xs = np.nonzero(comp)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    diff = np.abs(gray.astype(np.int16) - prev_gray.astype(np.int16))
    changed = (mask[y0:y1, x0:x1] != prev_mask[y0:y1, x0:x1]) & (diff[y0:y1, x0:x1] > 12)
    toggled = float(changed.sum()) / pixels  # noise flipping a threshold does not count
    brightness = float(diff[comp].mean()) / 40.0
    persist = float((comp & prev_mask).sum()) / pixels
    return max(toggled, brightness), persist
