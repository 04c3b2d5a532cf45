"""Compare two pictures of one camera view taken days apart: what was built or cleared.

Pure (frames in, regions out). Four steps:

1. **Align** the later picture onto the reference (:func:`align`): a translation by phase
   correlation, refined to a rotation + translation by ECC (Evangelidis & Psarakis 2008,
   invariant to a global gain and offset), both at ``work_width``. A shift or rotation
   beyond the settings, a failed ECC or a weak correlation refuses the pair with a reason.
2. **Two change maps**, each blind to one family of nuisances:

   * *structure*: 1 - the structure term of SSIM (Wang et al. 2004) in small Gaussian
     windows — the local correlation of the two pictures. It ignores any local gain and
     offset, so global and local light, haze and thin fog (which scale the contrast and add
     an airlight) leave it near 0; a new roof or a cleared stand, whose pattern differs,
     raise it. A hard shadow's edge raises it too, along the edge.
   * *ratio texture*: the log ratio after/before minus its 5×5 median. Light and a shadow
     multiply the picture, so the log ratio is flat, or a step that the median keeps: no
     residue. A new object replaces the pattern: the ratio carries the old and new texture.

   A pixel changed only when both maps exceed their thresholds (their *score* is the
   smaller of the two ratios to threshold): shadows fail the second, haze the first.
   Rain streaks and sensor noise are taken out first by a median filter and a small blur.
3. **Regions**: the changed pixels outside the camera's ignore polygons and inside the
   aligned overlap, closed and opened, and kept when at least ``min_area`` pixels (of the
   reference picture).
4. **Hint** from simple cues of the region: vegetation lost (the excess-green index
   (2G-R-B)/(R+G+B) falls) → ``clearing``; brighter than the reference relative to the
   whole picture's change of light, or with more long straight edges → ``structure``;
   otherwise ``other``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import cv2
import numpy as np
import numpy.typing as npt

from camera.health import luma
from camera.motion import Polygon, polygon_mask
from camera.types import Box, CameraView, Image, pixel_box_to_fraction
from ioc.config.scene_change import SceneChangeSettings

Floats = npt.NDArray[np.float32]
Hint = Literal["structure", "clearing", "other"]
RATIO_STEPS = 40.0
"""Quantisation of the log ratio for the median (uint8 medians take any size): 1/40 = 2.5 %."""
STRUCTURE_C = 25.0
"""Stabiliser of the structure term (grey levels²): flat areas (sky, a wall) count as same."""


@dataclass(frozen=True)
class Alignment:
    """How the later picture maps onto the reference at work size (``warp`` is ECC's 2×3,
    used with ``WARP_INVERSE_MAP``); ``ok`` False with a ``reason`` when refused."""

    ok: bool
    warp: Floats
    shift_px: float
    rotation_deg: float
    correlation: float
    reason: str = ""


@dataclass(frozen=True)
class Region:
    """A changed region: its box in reference pixels, share of the picture, score, hint."""

    rect: tuple[int, int, int, int]
    box: Box
    area_frac: float
    score: float
    hint: Hint


@dataclass(frozen=True)
class Comparison:
    """The outcome of one pair: the regions, or the reason the pair was not comparable.
    ``before`` is the reference (BGR), ``after_aligned`` the later picture aligned on it
    (the same size; black where the camera's move left no overlap)."""

    alignment: Alignment
    before: Image
    after_aligned: Image
    regions: list[Region] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.alignment.ok


def _bgr(frame: Image) -> Image:
    if frame.ndim == 3:
        return frame
    return np.asarray(cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR), dtype=np.uint8)


def _work(frame: Image, width: int) -> Image:
    """The picture at ``width`` px, rain streaks and sensor noise taken out (3×3 median)."""
    height = max(1, round(frame.shape[0] * width / frame.shape[1]))
    small = cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)
    return np.asarray(cv2.medianBlur(small, 3), dtype=np.uint8)


def _grey(frame: Image) -> Floats:
    return np.asarray(cv2.GaussianBlur(luma(frame), (0, 0), 1.0), dtype=np.float32)


def align(before: Floats, after: Floats, valid: Image, settings: SceneChangeSettings) -> Alignment:
    """Rotation + translation taking ``after`` onto ``before`` (grey, same size)."""
    height, width = before.shape
    identity = np.eye(2, 3, dtype=np.float32)
    window = cv2.createHanningWindow((width, height), cv2.CV_32F)
    (dx, dy), _response = cv2.phaseCorrelate(before, after, window)
    if math.hypot(dx, dy) > settings.max_shift_frac * width:
        return Alignment(False, identity, math.hypot(dx, dy), 0.0, 0.0, "camera moved too far")
    warp = np.array([[1, 0, dx], [0, 1, dy]], np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 80, 1e-5)
    try:
        correlation, found = cv2.findTransformECC(
            before, after, warp, cv2.MOTION_EUCLIDEAN, criteria, valid, 5
        )
    except cv2.error:
        return Alignment(False, identity, 0.0, 0.0, 0.0, "alignment failed (ECC did not converge)")
    warp = np.asarray(found, np.float32)
    shift = math.hypot(float(warp[0, 2]), float(warp[1, 2]))
    rotation = math.degrees(math.atan2(float(warp[1, 0]), float(warp[0, 0])))
    if shift > settings.max_shift_frac * width:
        return Alignment(False, warp, shift, rotation, correlation, "camera moved too far")
    if abs(rotation) > settings.max_rotation_deg:
        return Alignment(False, warp, shift, rotation, correlation, "camera turned too far")
    if correlation < settings.min_alignment:
        reason = f"pictures not comparable (aligned correlation {correlation:.2f})"
        return Alignment(False, warp, shift, rotation, correlation, reason)
    return Alignment(True, warp, shift, rotation, float(correlation))


def _blur(x: Floats, sigma: float) -> Floats:
    return np.asarray(cv2.GaussianBlur(x, (0, 0), sigma), dtype=np.float32)


def ignored(view: CameraView, land_only: bool) -> list[Polygon]:
    """The view's ignore polygons, and the sky above its skyline when ``land_only``."""
    polygons: list[Polygon] = list(view.masks)
    line = view.horizon
    if land_only and len(line) >= 2:
        sky = [(0.0, 0.0), (0.0, line[0][1]), *line, (1.0, line[-1][1]), (1.0, 0.0)]
        polygons.append(sky)
    return polygons


def _moments(before: Floats, after: Floats, sigma: float) -> tuple[Floats, Floats, Floats]:
    mb, ma = _blur(before, sigma), _blur(after, sigma)
    vb = np.maximum(_blur(before * before, sigma) - mb * mb, 0)
    va = np.maximum(_blur(after * after, sigma) - ma * ma, 0)
    return vb, va, _blur(before * after, sigma) - mb * ma


def structure_loss(before: Floats, after: Floats, sigma: float = 3.0) -> Floats:
    """1 - the SSIM structure term in Gaussian windows (0 same pattern, up to 2 inverted)."""
    vb, va, cov = _moments(before, after, sigma)
    sim = (cov + STRUCTURE_C) / (np.sqrt(vb * va) + STRUCTURE_C)
    return np.asarray(1.0 - sim, np.float32)


def texture_change(before: Floats, after: Floats, size: int, sigma: float = 3.0) -> Floats:
    """|log of the local contrast ratio after/before| beyond its ``size``×``size`` median
    (taken at a quarter of the resolution, so it spans a wide stretch cheaply): a stand
    felled to bare soil or a field paved loses texture where its surroundings do not; haze
    lowers the contrast of a whole stretch of hillside, which the median follows."""
    vb, va, _cov = _moments(before, after, sigma)
    ratio = np.log(np.sqrt(va) + 6.0) - np.log(np.sqrt(vb) + 6.0)
    steps = np.clip(ratio * RATIO_STEPS + 128, 0, 255).astype(np.uint8)
    height, width = steps.shape
    small = cv2.resize(
        steps, (max(1, width // 4), max(1, height // 4)), interpolation=cv2.INTER_AREA
    )
    wide = cv2.medianBlur(small, max(3, (size // 4) | 1))
    trend = cv2.resize(wide, (width, height), interpolation=cv2.INTER_LINEAR)
    return np.asarray(np.abs(ratio - (trend.astype(np.float32) - 128) / RATIO_STEPS), np.float32)


def relit(before: Floats, after: Floats, size: int = 11) -> Floats:
    """``after`` divided by the gain field that turns ``before`` into it: the log ratio's
    ``size``×``size`` median, which keeps the hard step of a shadow's edge (a median keeps
    edges) and any smooth change of light, but not the texture a new object brings."""
    ratio = np.log(after + 8.0) - np.log(before + 8.0)
    steps = np.clip(ratio * RATIO_STEPS + 128, 0, 255).astype(np.uint8)
    gain = (cv2.medianBlur(steps, size).astype(np.float32) - 128) / RATIO_STEPS
    return np.asarray((after + 8.0) * np.exp(-gain) - 8.0, np.float32)


def chroma(frame: Image) -> Floats:
    """B, G, R over their sum, after a grey-world white balance: blind to the light's
    strength and tint, not to a green stand turned into red soil."""
    colour = frame.astype(np.float32) + 4.0
    colour /= colour.reshape(-1, 3).mean(axis=0)
    return np.asarray(colour / colour.sum(axis=2, keepdims=True), np.float32)


def chroma_change(before: Image, after: Image, sigma: float = 3.0) -> Floats:
    """L1 change of chromaticity, the picture's median change taken out, smoothed."""
    delta = chroma(after) - chroma(before)
    delta -= np.median(delta.reshape(-1, 3), axis=0)
    return _blur(np.abs(delta).sum(axis=2).astype(np.float32), sigma)


def change_score(before: Image, after: Image, settings: SceneChangeSettings) -> Floats:
    """Per pixel, above 1 meaning changed: the structure lost, or the texture gained or
    lost, once light and shadows are divided out, over their thresholds; where the colour
    changed too (over ``chroma_threshold``), ``colour_relief`` times the threshold is
    enough."""
    gb, ga = _grey(before), _grey(after)
    ga = relit(gb, ga, settings.relight_size)
    structure = structure_loss(gb, ga)
    alone = np.maximum(
        structure / settings.structure_threshold,
        texture_change(gb, ga, settings.texture_size) / settings.texture_threshold,
    )
    relieved = structure / (settings.structure_threshold * settings.colour_relief)
    colour = chroma_change(before, after) / settings.chroma_threshold
    return np.asarray(np.maximum(alone, np.minimum(relieved, colour)), np.float32)


def excess_green(frame: Image) -> Floats:
    """(2G - R - B) / (R + G + B) per pixel: above ~0.05 for vegetation, any light level."""
    b, g, r = (frame[..., i].astype(np.float32) for i in range(3))
    return np.asarray((2 * g - r - b) / (r + g + b + 30.0), np.float32)


def _square_lines(grey: Image, min_len: int) -> int:
    """Long straight edges within 12° of level or plumb (eaves, walls: a tower camera is
    kept level, and what people build is square to gravity)."""
    edges = cv2.Canny(grey, 50, 140)
    lines = cv2.HoughLinesP(edges, 1, np.pi / 180, 15, minLineLength=min_len, maxLineGap=2)
    count = 0
    for x0, y0, x1, y1 in [] if lines is None else lines.reshape(-1, 4):
        angle = math.degrees(math.atan2(abs(int(y1) - int(y0)), abs(int(x1) - int(x0))))
        count += angle < 12 or angle > 78
    return count


def hint_of(before: Image, after: Image, inside: Image) -> Hint:
    """``structure``, ``clearing`` or ``other`` for a changed region: ``before`` and
    ``after`` (aligned) cropped around it, ``inside`` its pixels in the crop (non-zero).

    New long level or plumb edges (eaves, walls) → structure; else the vegetation index
    fallen from green → clearing; else other."""
    h, w = inside.shape[:2]
    side = max(6, min(w, h) // 3)
    gained = _square_lines(luma(after), side) - _square_lines(luma(before), side)
    if gained >= 2:
        return "structure"
    where = inside > 0
    green_before = float(excess_green(before)[where].mean())
    green_after = float(excess_green(after)[where].mean())
    if green_before > 0.04 and green_before - green_after > 0.05:
        return "clearing"
    return "other"


def compare(
    before: Image,
    after: Image,
    settings: SceneChangeSettings,
    view: CameraView | None = None,
    min_area_px: int | None = None,
) -> Comparison:
    """The changed regions of ``after`` against the reference ``before`` (BGR pictures).

    Boxes are in ``before``'s pixels (``after`` is resized to it first, then aligned).
    ``view`` gives the camera's ignore polygons and, with ``settings.land_only``, its skyline:
    the sky above it is ignored (clouds move; nobody builds there).
    ``min_area_px`` is the smallest region in those pixels (default: from ``settings``).
    """
    view = view or CameraView()
    before, after = _bgr(before), _bgr(after)
    height, width = before.shape[:2]
    if after.shape[:2] != (height, width):
        after = np.asarray(cv2.resize(after, (width, height), interpolation=cv2.INTER_AREA))
    work_w = min(settings.work_width, width)
    wb, wa = _work(before, work_w), _work(after, work_w)
    work_h = wb.shape[0]
    ignore = polygon_mask((work_h, work_w), ignored(view, settings.land_only))
    usable = np.where(ignore > 0, 0, 255).astype(np.uint8)
    alignment = align(_grey(wb), _grey(wa), usable, settings)
    if not alignment.ok:
        return Comparison(alignment, before, after)
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    wa = np.asarray(cv2.warpAffine(wa, alignment.warp, (work_w, work_h), flags=flags))
    overlap = cv2.warpAffine(
        np.full((work_h, work_w), 255, np.uint8), alignment.warp, (work_w, work_h), flags=flags
    )
    valid = cv2.erode(np.minimum(overlap, usable), np.ones((7, 7), np.uint8))
    score = change_score(wb, wa, settings)
    raw = np.where((score > 1.0) & (valid > 0), 255, 0).astype(np.uint8)
    opened = cv2.morphologyEx(raw, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    closed = cv2.morphologyEx(opened, cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8))
    changed = _filled(np.asarray(closed, np.uint8))
    scale = width / work_w
    min_px = settings.min_area("", width, height) if min_area_px is None else min_area_px
    count, labels, stats, _ = cv2.connectedComponentsWithStats(changed, connectivity=8)
    full = np.asarray(
        cv2.warpAffine(after, _full_warp(alignment.warp, scale), (width, height), flags=flags),
        np.uint8,
    )
    regions = []
    for label in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[label])
        if area * scale * scale < min_px:
            continue
        rect = _scaled((x, y, w, h), scale, width, height)
        rx, ry, rw, rh = rect
        own = np.where(labels[y : y + h, x : x + w] == label, 255, 0).astype(np.uint8)
        inside = np.asarray(cv2.resize(own, (rw, rh), interpolation=cv2.INTER_NEAREST), np.uint8)
        crop = (slice(ry, ry + rh), slice(rx, rx + rw))
        regions.append(
            Region(
                rect=rect,
                box=pixel_box_to_fraction(rect, width, height),
                area_frac=area / float(work_w * work_h),
                score=float(np.clip(score[labels == label].mean(), 0, 99)),
                hint=hint_of(before[crop], full[crop], inside),
            )
        )
    regions.sort(key=lambda r: -r.area_frac)
    return Comparison(alignment, before, full, regions)


def _filled(mask: Image) -> Image:
    """Regions with their holes filled: a flat new roof changes at its edges, not inside."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    filled = np.zeros_like(mask)
    cv2.drawContours(filled, contours, -1, 255, thickness=-1)
    return filled


def _scaled(
    rect: tuple[int, int, int, int], scale: float, width: int, height: int
) -> tuple[int, int, int, int]:
    x, y, w, h = rect
    x0, y0 = max(0, math.floor(x * scale)), max(0, math.floor(y * scale))
    x1, y1 = min(width, math.ceil((x + w) * scale)), min(height, math.ceil((y + h) * scale))
    return (x0, y0, x1 - x0, y1 - y0)


def _full_warp(warp: Floats, scale: float) -> Floats:
    full = warp.copy()
    full[:, 2] *= scale
    return full
