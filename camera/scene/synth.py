"""Made-up scenes for the scene-change detector: one hillside seen on two days.

A seeded landscape (sky, ridge, pine forest of small crowns, fields, a road, a few houses),
or any real picture as the background, and the changes a day can bring:

* real changes — a new house (:func:`add_structure`), a cleared patch of pine
  (:func:`add_clearing`); each returns the picture and the box it changed (pixels);
* nuisances only — light (global gain, gamma, a gain gradient, colour temperature), hard
  cloud shadows, fog/haze thicker with distance, rain streaks and noise, a small camera
  shift/rotation, the season's yellowing of the grass.

Everything takes a :class:`numpy.random.Generator`, so a seed makes the same scene.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from camera.types import Image

PixelBox = tuple[int, int, int, int]
WIDTH, HEIGHT = 640, 480
RIDGE = 0.3


def _u8(x: np.ndarray) -> Image:
    return np.asarray(np.clip(x, 0, 255), dtype=np.uint8)


def landscape(rng: np.random.Generator, width: int = WIDTH, height: int = HEIGHT) -> Image:
    """A hillside under a sky: pine forest, a few fields and houses, a road."""
    img = np.zeros((height, width, 3), np.float32)
    ys = np.arange(height, dtype=np.float32)[:, None]
    img[:] = np.stack([230 - 50 * ys / height, 200 - 30 * ys / height, 160 - 20 * ys / height], -1)
    xs = np.arange(width)
    ridge = height * RIDGE + 12 * np.sin(xs / 57.0 + rng.uniform(0, 6)) + 5 * np.sin(xs / 13.0)
    land = ys >= ridge[None, :]
    ground = np.array([45, 95, 55], np.float32)
    img[land] = ground
    # fields: lighter polygons with a fine texture
    for _ in range(int(rng.integers(2, 5))):
        cx, cy = rng.uniform(0.1, 0.9) * width, rng.uniform(RIDGE + 0.2, 0.95) * height
        w, h = rng.uniform(40, 110), rng.uniform(20, 50)
        angle = rng.uniform(-20, 20)
        box = cv2.boxPoints(((cx, cy), (w, h), angle)).astype(np.int32)
        colour = (rng.uniform(60, 90), rng.uniform(140, 170), rng.uniform(120, 160))
        cv2.fillPoly(img, [box], colour)
    # pine crowns everywhere else on the land
    forest = np.zeros((height, width), np.uint8)
    forest[land] = 255
    field_like = img[..., 1] > 130
    forest[field_like] = 0
    count = int(width * height / 60)
    px = rng.integers(0, width, count)
    py = rng.integers(0, height, count)
    for x, y in zip(px, py, strict=True):
        if forest[y, x]:
            shade = rng.uniform(0.6, 1.3)
            r = int(rng.integers(2, 5))
            cv2.circle(img, (int(x), int(y)), r, (30 * shade, 85 * shade, 40 * shade), -1)
            cv2.circle(
                img,
                (int(x) - 1, int(y) - 1),
                max(1, r // 2),
                (50 * shade, 120 * shade, 60 * shade),
                -1,
            )
    # a road and existing houses
    pts = np.array(
        [
            [0, rng.uniform(0.7, 0.9) * height],
            [width / 2, rng.uniform(0.55, 0.8) * height],
            [width, rng.uniform(0.6, 0.9) * height],
        ],
        np.int32,
    )
    cv2.polylines(img, [pts], False, (120, 125, 130), 4)
    for _ in range(int(rng.integers(1, 4))):
        _house(img, rng, width, height)
    img += rng.normal(0, 3, img.shape).astype(np.float32)
    return _u8(img)


def _house(
    img: np.ndarray,
    rng: np.random.Generator,
    width: int,
    height: int,
    *,
    size: float = 1.0,
    land_top: float = RIDGE + 0.15,
) -> PixelBox:
    w = int(rng.uniform(26, 46) * size * width / WIDTH)
    h = int(w * rng.uniform(0.55, 0.8))
    x = int(rng.uniform(0.05, 0.95) * width - w / 2)
    y = int(rng.uniform(land_top + 0.05, 0.9) * height - h / 2)
    x, y = max(0, min(x, width - w)), max(0, min(y, height - h))
    roofs = [(40, 60, 170), (60, 110, 200), (150, 150, 150), (170, 110, 60), (225, 225, 225)]
    roof = roofs[int(rng.integers(len(roofs)))]
    wall = (200, 215, 225)
    cv2.rectangle(img, (x, y + h // 2), (x + w, y + h), wall, -1)
    cv2.rectangle(img, (x + w // 5, y + 3 * h // 4), (x + w // 5 + w // 6, y + h), (60, 60, 70), -1)
    roof_pts = np.array(
        [[x - 2, y + h // 2], [x + w // 6, y], [x + w - w // 6, y], [x + w + 2, y + h // 2]]
    )
    cv2.fillPoly(img, [roof_pts.astype(np.int32)], roof)
    return (max(0, x - 2), y, w + 4, h)


def add_structure(
    frame: Image, rng: np.random.Generator, size: float = 1.0, land_top: float = RIDGE + 0.15
) -> tuple[Image, PixelBox]:
    """A new house (roof, walls, a door) below ``land_top`` (a share of the height)."""
    img = frame.astype(np.float32)
    height, width = frame.shape[:2]
    box = _house(img, rng, width, height, size=size, land_top=land_top)
    return _u8(img + rng.normal(0, 2, img.shape)), box


def add_clearing(
    frame: Image, rng: np.random.Generator, size: float = 1.0, land_top: float = RIDGE + 0.15
) -> tuple[Image, PixelBox]:
    """A patch of pine cut below ``land_top``: bare reddish soil with a few stumps."""
    height, width = frame.shape[:2]
    radius = rng.uniform(28, 45) * size * width / WIDTH
    cx = rng.uniform(0.15, 0.85) * width
    cy = rng.uniform(land_top + 0.1, 0.85) * height
    angles = np.linspace(0, 2 * np.pi, 14, endpoint=False)
    radii = radius * rng.uniform(0.7, 1.2, angles.size)
    pts = np.stack([cx + radii * np.cos(angles), cy + 0.7 * radii * np.sin(angles)], 1)
    mask = np.zeros((height, width), np.uint8)
    cv2.fillPoly(mask, [pts.astype(np.int32)], 255)
    soil = np.zeros((height, width, 3), np.float32)
    soil[:] = (rng.uniform(70, 95), rng.uniform(105, 130), rng.uniform(145, 175))
    grain = rng.normal(0, 14, (height, width)).astype(np.float32)
    soil += cv2.GaussianBlur(grain, (0, 0), 1.5 * width / WIDTH)[..., None]
    for _ in range(12):
        x, y = pts[int(rng.integers(len(pts)))]
        stump = max(2, round(2 * width / WIDTH))
        cv2.circle(soil, (int((x + cx) / 2), int((y + cy) / 2)), stump, (40, 50, 60), -1)
    img = frame.astype(np.float32)
    alpha = cv2.GaussianBlur(mask.astype(np.float32) / 255, (0, 0), 1.5)[..., None]
    img = img * (1 - alpha) + soil * alpha
    x, y, w, h = cv2.boundingRect(mask)
    return _u8(img + rng.normal(0, 2, img.shape)), (int(x), int(y), int(w), int(h))


def relight(frame: Image, rng: np.random.Generator) -> Image:
    """Another hour's light: global gain and gamma, a gain gradient, colour temperature."""
    height, width = frame.shape[:2]
    x = frame.astype(np.float32) / 255
    x = x ** rng.uniform(0.8, 1.25)
    gain = rng.uniform(0.65, 1.35)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    slope = rng.uniform(-0.25, 0.25, 2)
    field = gain * (1 + slope[0] * (xx / width - 0.5) + slope[1] * (yy / height - 0.5))
    tint = rng.uniform(0.9, 1.1, 3)
    return _u8(255 * x * field[..., None] * tint)


def shadows(frame: Image, rng: np.random.Generator, count: int = 3) -> Image:
    """Hard-edged cloud shadows: blobs darkened to 40-65 %, a little bluer."""
    height, width = frame.shape[:2]
    img = frame.astype(np.float32)
    for _ in range(count):
        cx, cy = rng.uniform(0, width), rng.uniform(RIDGE * height, height)
        r = rng.uniform(0.08, 0.22) * width
        angles = np.linspace(0, 2 * np.pi, 18, endpoint=False)
        radii = r * rng.uniform(0.6, 1.3, angles.size)
        pts = np.stack([cx + radii * np.cos(angles), cy + 0.5 * radii * np.sin(angles)], 1)
        mask = np.zeros((height, width), np.uint8)
        cv2.fillPoly(mask, [pts.astype(np.int32)], 255)
        soft = cv2.GaussianBlur(mask.astype(np.float32) / 255, (0, 0), 1.0)[..., None]
        dark = rng.uniform(0.4, 0.65) * np.array([1.08, 1.0, 0.95], np.float32)
        img = img * (1 - soft + soft * dark)
    return _u8(img)


def fog(frame: Image, rng: np.random.Generator) -> Image:
    """Haze or thin fog: blended towards a grey airlight, thicker towards the ridge."""
    height = frame.shape[0]
    air = rng.uniform(185, 225)
    depth = np.linspace(1.0, 0.3, height, dtype=np.float32)[:, None, None]
    thickness = rng.uniform(0.35, 0.65) * depth
    return _u8(frame.astype(np.float32) * (1 - thickness) + air * thickness)


def rain(frame: Image, rng: np.random.Generator) -> Image:
    """Rain streaks (short bright slanted lines), a darker sky and sensor noise."""
    height, width = frame.shape[:2]
    layer = np.zeros((height, width), np.float32)
    slant = rng.uniform(-0.4, 0.4)
    for _ in range(int(width * height / 500)):
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        length = rng.uniform(8, 22)
        cv2.line(layer, (int(x), int(y)), (int(x + slant * length), int(y + length)), 1.0, 1)
    img = frame.astype(np.float32) * 0.85 + 60 * layer[..., None]
    return _u8(img + rng.normal(0, 7, img.shape))


def shift(frame: Image, rng: np.random.Generator) -> Image:
    """A small camera move: 2-10 px and up to 1.5° (wind on the mast, a preset recalled)."""
    height, width = frame.shape[:2]
    angle = rng.uniform(-1.5, 1.5)
    dx, dy = rng.uniform(-10, 10), rng.uniform(-6, 6)
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    matrix[:, 2] += np.array([dx, dy])
    return np.asarray(
        cv2.warpAffine(frame, matrix, (width, height), borderMode=cv2.BORDER_REFLECT), np.uint8
    )


def season(frame: Image, rng: np.random.Generator) -> Image:
    """Dry season: greens lose saturation and turn yellow; everything else stays."""
    img = frame.astype(np.float32)
    b, g, r = img[..., 0], img[..., 1], img[..., 2]
    green = np.clip((2 * g - r - b) / (r + g + b + 30), 0, 1)[..., None]
    k = rng.uniform(0.3, 0.6)
    yellowed = np.stack([b * 0.85, g * 0.95, r * 1.25 + 15], -1)
    return _u8(img * (1 - k * green * 3) + yellowed * (k * green * 3))


Nuisance = Callable[[Image, np.random.Generator], Image]
NUISANCES: dict[str, Nuisance] = {
    "light": relight,
    "shadow": shadows,
    "fog": fog,
    "rain": rain,
    "shift": shift,
    "season": season,
}
Change = Callable[[Image, np.random.Generator, float, float], tuple[Image, PixelBox]]
CHANGES: dict[str, Change] = {
    "structure": add_structure,
    "clearing": add_clearing,
}


def day_pair(
    kind: str,
    rng: np.random.Generator,
    background: Image | None = None,
    land_top: float = RIDGE + 0.15,
) -> tuple[Image, Image, PixelBox | None]:
    """A reference and a later picture of one view: ``kind`` is a change (the box is where)
    or a nuisance (box None). A change also comes with a mild change of light and noise,
    as a real day does. Without ``background`` the hillside is made up; with one, say
    where its land begins (``land_top``, a share of the height, below the skyline)."""
    before = landscape(rng) if background is None else background.copy()
    if kind in CHANGES:
        after, box = CHANGES[kind](before, rng, 1.0, land_top)
        mild = np.random.default_rng(int(rng.integers(1 << 31)))
        gain = mild.uniform(0.85, 1.15)
        return before, _u8(after.astype(np.float32) * gain + mild.normal(0, 2, after.shape)), box
    if kind == "shadow":
        return shadows(before, rng), shadows(before, rng), None
    return before, NUISANCES[kind](before, rng), None
