"""Small value types shared by the camera chain: images, boxes and detections."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]
"""A BGR (or grey) frame as OpenCV returns it."""

Box = tuple[float, float, float, float]
"""x, y, width, height as fractions of the frame, origin top left."""


@dataclass(frozen=True)
class Detection:
    """What a detector saw in one frame: a kind (smoke/fire), a score 0-1 and a box."""

    kind: str
    score: float
    box: Box


def clamp_box(box: Box) -> Box:
    """The box cut to the frame, every value within 0-1."""
    x, y, w, h = box
    x0, y0 = min(max(x, 0.0), 1.0), min(max(y, 0.0), 1.0)
    x1, y1 = min(max(x + w, 0.0), 1.0), min(max(y + h, 0.0), 1.0)
    return (x0, y0, max(x1 - x0, 0.0), max(y1 - y0, 0.0))


def pixel_box_to_fraction(rect: tuple[int, int, int, int], width: int, height: int) -> Box:
    """A box (x, y, w, h) in pixels of a ``width`` × ``height`` frame as fractions."""
    x, y, w, h = rect
    return clamp_box((x / width, y / height, w / width, h / height))


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes (0 when they do not touch)."""
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def expand_box(box: Box, margin: float) -> Box:
    """The box grown by ``margin`` (a fraction of the frame) on every side."""
    x, y, w, h = box
    return clamp_box((x - margin, y - margin, w + 2 * margin, h + 2 * margin))
