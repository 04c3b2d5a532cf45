"""Small value types shared by the camera chain: images, boxes and detections."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]
"""A BGR (or grey) frame as OpenCV returns it."""

Box = tuple[float, float, float, float]
"""x, y, width, height as fractions of the frame, origin top left."""

Point = tuple[float, float]
"""x, y as fractions of the frame."""


@dataclass(frozen=True)
class CameraView:
    """What is where in one camera's picture: data from the registry, drawn per camera.

    ``masks`` are ignore polygons (a road, a flag, the stamped clock). ``horizon`` is the
    skyline as points from left to right; a distant plume rises from a band around it,
    ``band_above`` and ``band_below`` frame heights above and below. No horizon: anywhere.
    """

    masks: tuple[tuple[Point, ...], ...] = ()
    horizon: tuple[Point, ...] = ()
    band_above: float = 0.05
    band_below: float = 0.12

    @classmethod
    def from_data(cls, masks: object = None, horizon: object = None) -> CameraView:
        """A view from the registry's JSON (lists of [x, y]); bad shapes raise ValueError."""
        polys = tuple(_points(poly, "mask") for poly in _items(masks, "masks"))
        data: dict[str, Any] = horizon if isinstance(horizon, dict) else {"line": horizon}
        line = _points(data.get("line"), "horizon")
        above = float(data.get("band_above", 0.05))
        below = float(data.get("band_below", 0.12))
        if not (0 <= above <= 1 and 0 <= below <= 1):
            raise ValueError("horizon band_above/band_below must be fractions 0-1")
        return cls(polys, line, above, below)


def _items(raw: object, what: str) -> list[object]:
    if raw is None:
        return []
    if not isinstance(raw, list | tuple):
        raise ValueError(f"{what}: expected a list")
    return list(raw)


def _points(raw: object, what: str) -> tuple[Point, ...]:
    points = []
    for item in _items(raw, what):
        if not isinstance(item, list | tuple) or len(item) != 2:
            raise ValueError(f"{what}: expected a list of [x, y] fractions")
        x, y = float(item[0]), float(item[1])
        if not (-0.01 <= x <= 1.01 and -0.01 <= y <= 1.01):
            raise ValueError(f"{what}: coordinates must be fractions of the frame (0-1)")
        points.append((x, y))
    return tuple(points)


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


def centre_inside(a: Box, b: Box) -> bool:
    """Whether the centre of ``a`` lies within ``b``."""
    cx, cy = a[0] + a[2] / 2, a[1] + a[3] / 2
    return b[0] <= cx <= b[0] + b[2] and b[1] <= cy <= b[1] + b[3]


def expand_box(box: Box, margin: float) -> Box:
    """The box grown by ``margin`` (a fraction of the frame) on every side."""
    x, y, w, h = box
    return clamp_box((x - margin, y - margin, w + 2 * margin, h + 2 * margin))
