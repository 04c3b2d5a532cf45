"""Motion gate at low resolution: which parts of the picture changed since the last frame.

Pure: :func:`motion_regions` compares two small grey frames; :class:`MotionGate` keeps the
previous one. The chain runs its (costlier) detectors only when something moved, plus at
least every ``safety_every_s`` seconds so a very slow plume is never missed for long.
Privacy/ignore masks (polygons in frame fractions, from the camera registry) are blanked
before comparing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from camera.types import Box, Image, pixel_box_to_fraction

Polygon = Sequence[Sequence[float]]


def small_grey(frame: Image, width: int) -> Image:
    """The frame as blurred grey at ``width`` pixels wide (aspect kept)."""
    height, full = frame.shape[:2]
    size = (width, max(1, round(height * width / full)))
    small = cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    return np.asarray(cv2.GaussianBlur(grey, (5, 5), 0), dtype=np.uint8)


def polygon_mask(shape: tuple[int, int], polygons: Sequence[Polygon]) -> Image:
    """A uint8 mask (255 = ignore) of polygons given as [x, y] fractions of the frame."""
    height, width = shape
    mask = np.zeros((height, width), np.uint8)
    for poly in polygons:
        points = np.array([[p[0] * width, p[1] * height] for p in poly], np.int32)
        if len(points) >= 3:
            cv2.fillPoly(mask, [points], 255)
    return mask


def motion_regions(
    prev: Image, cur: Image, threshold: int = 10, min_area: float = 0.0005
) -> list[Box]:
    """Boxes (fractions) of the regions whose grey level changed by more than ``threshold``."""
    diff = cv2.absdiff(prev, cur)
    _, binary = cv2.threshold(diff, threshold, 255, cv2.THRESH_BINARY)
    binary = cv2.dilate(binary, np.ones((3, 3), np.uint8), iterations=2)
    contours, _ = cv2.findContours(binary, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    height, width = cur.shape[:2]
    boxes = []
    for contour in contours:
        if cv2.contourArea(contour) >= min_area * width * height:
            boxes.append(pixel_box_to_fraction(_rect(contour), width, height))
    return boxes


def _rect(contour: Any) -> tuple[int, int, int, int]:
    x, y, w, h = cv2.boundingRect(contour)
    return int(x), int(y), int(w), int(h)


@dataclass
class MotionGate:
    """Remembers the previous small frame and says whether the detectors should run."""

    width: int = 160
    threshold: int = 10
    min_area: float = 0.0005
    safety_every_s: float = 5.0
    masks: Sequence[Polygon] = ()
    prev: Image | None = None
    last_run: float | None = None
    runs: int = 0
    _mask: Image | None = field(default=None, repr=False)

    def regions(self, frame: Image) -> list[Box]:
        """Changed regions since the previous call (none on the first frame)."""
        cur = small_grey(frame, self.width)
        if self.masks:
            if self._mask is None or self._mask.shape != cur.shape:
                self._mask = polygon_mask((cur.shape[0], cur.shape[1]), self.masks)
            cur = np.where(self._mask > 0, 0, cur).astype(np.uint8)
        prev, self.prev = self.prev, cur
        if prev is None or prev.shape != cur.shape:
            return []
        return motion_regions(prev, cur, self.threshold, self.min_area)

    def should_run(self, regions: list[Box], t: float) -> bool:
        """True on the first frame, when something moved, or ``safety_every_s`` seconds
        after the last run (``t`` is the frame's time in seconds)."""
        due = self.last_run is None or t - self.last_run >= self.safety_every_s
        if regions or due:
            self.last_run = t
            self.runs += 1
            return True
        return False
