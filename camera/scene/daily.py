"""The daily check of one camera view: today's picture against a week and a month before.

The camera worker calls :func:`daily_check` once per view and day, after the reference
window (:meth:`ReferenceBook.window_over`), with the best frame it saw (or any frame: the
book keeps the better of it and what it already holds for the day). The check:

1. keeps the frame as the day's reference when it is the day's best usable one;
2. compares the day's picture with the picture nearest to 7 days before (± 2 days) and the
   one nearest to 30 days before (± 5 days), each aligned and masked
   (:func:`camera.scene.compare.compare`); a pair that cannot be aligned is logged with its
   reason and gives nothing;
3. keeps a region only when it **persists**: found against both references, or found
   against the same reference age the day before too (the first month, or a day without
   one of the two references);
4. drops regions already reported in the last ``repeat_days`` days (a new roof stays
   "new" against the 30-day picture for a month) and notes the rest in the day's sidecar.

Each candidate carries a before/after **crop pair** (the same rectangle of the reference
picture and of today's picture aligned onto it: the box plus ``crop_margin`` box sizes
around it, at least 160 px a side, cut to the picture, the box drawn in both), JPEG bytes,
so a reviewer sees the change in place at full resolution.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import cv2
import numpy as np

from camera.scene.compare import Comparison, Hint, Region, compare
from camera.scene.references import Reference, ReferenceBook, ViewKey, aware, local_day
from camera.types import Box, CameraView, Image, centre_inside, iou
from ioc.config.scene_change import SceneChangeSettings

log = logging.getLogger(__name__)

AGES = (7, 30)
MIN_CROP_PX = 160
BOX_COLOUR = (0, 215, 255)


@dataclass(frozen=True)
class ChangeCandidate:
    """A persistent change of a camera view, for a person to review.

    ``box`` is (x, y, w, h) as fractions of the reference picture (the project's
    :data:`camera.types.Box`), ``box_px`` the same in that picture's pixels. ``score`` is
    the region's mean change score (above 1: changed; the higher the surer).
    ``reference_days`` says which reference (7 or 30 days before) ``before_t`` and
    ``before_jpeg`` come from. ``before_jpeg``/``after_jpeg`` are a crop pair around the box
    (same rectangle, after aligned on before, box drawn)."""

    camera_id: str
    preset: str | None
    box: Box
    box_px: tuple[int, int, int, int]
    area_frac: float
    score: float
    hint: Hint
    before_t: datetime
    after_t: datetime
    reference_days: int
    before_jpeg: bytes = field(repr=False)
    after_jpeg: bytes = field(repr=False)


@dataclass(frozen=True)
class SceneCamera:
    """What the daily check needs of a camera view: its id, preset and drawn geometry
    (ignore polygons, skyline) — a registry :class:`camera.registry.CameraSource`'s
    ``id`` and ``view``, with the preset the picture was taken at."""

    id: str
    preset: str | None = None
    view: CameraView = field(default_factory=CameraView)

    @property
    def key(self) -> ViewKey:
        return ViewKey(self.id, self.preset)


def overlaps(a: Box, b: Box, min_iou: float = 0.2) -> bool:
    """Whether two boxes are one change: enough overlap, or one's centre in the other."""
    return iou(a, b) >= min_iou or centre_inside(a, b) or centre_inside(b, a)


def crop_pair(
    before: Image, after: Image, rect: tuple[int, int, int, int], margin: float, quality: int = 90
) -> tuple[bytes, bytes]:
    """JPEG bytes of the same rectangle around ``rect`` (pixels) of both pictures, with
    ``margin`` box sizes around it (at least :data:`MIN_CROP_PX` a side), box drawn."""
    height, width = before.shape[:2]
    x, y, w, h = rect
    pad = round(margin * max(w, h))
    x0, x1 = _span(x, w, pad, width)
    y0, y1 = _span(y, h, pad, height)
    line = max(1, round(max(x1 - x0, y1 - y0) / 200))
    out = []
    for picture in (before, after):
        crop = np.ascontiguousarray(picture[y0:y1, x0:x1])
        cv2.rectangle(crop, (x - x0, y - y0), (x - x0 + w - 1, y - y0 + h - 1), BOX_COLOUR, line)
        ok, data = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if not ok:
            raise ValueError("could not encode the crop as JPEG")
        out.append(data.tobytes())
    return out[0], out[1]


def _span(start: int, size: int, pad: int, limit: int) -> tuple[int, int]:
    """The crop's extent on one axis: the box plus ``pad`` each side, at least
    :data:`MIN_CROP_PX` long, slid (not cut) to stay in the picture where it can."""
    length = min(limit, max(size + 2 * pad, MIN_CROP_PX))
    begin = start + size // 2 - length // 2
    begin = min(max(begin, 0), limit - length)
    return begin, begin + length


def daily_check(
    book: ReferenceBook, camera: SceneCamera, frame: Image, t: datetime
) -> list[ChangeCandidate]:
    """Keep today's picture of ``camera`` (taken at ``t``) and return the view's new,
    persistent changes against the pictures of 7 and 30 days before."""
    settings = book.settings
    key, today = camera.key, local_day(t)
    book.keep(key, frame, t)
    current = book.get(key, today)
    after = None if current is None else current.picture()
    if current is None or after is None:
        log.info("scene %s: no usable picture for %s", key, today)
        return []
    height, width = after.shape[:2]
    min_px = settings.min_area(camera.id, width, height)
    tolerances = {7: settings.week_tolerance_days, 30: settings.month_tolerance_days}
    compared: dict[int, tuple[Reference, Comparison]] = {}
    for age in AGES:
        ref = book.nearest(key, today, age, tolerances[age])
        before = None if ref is None else ref.picture()
        if ref is None or before is None:
            continue
        result = compare(before, after, settings, camera.view, min_px)
        if not result.ok:
            log.info("scene %s %s vs %s: %s", key, today, ref.day, result.alignment.reason)
            continue
        compared[age] = (ref, result)
    changes = {age: [r.box for r in result.regions] for age, (_ref, result) in compared.items()}
    yesterday = book.get(key, today - timedelta(days=1))
    earlier = yesterday.changes if yesterday is not None else {}
    recent = _reported(book, key, today, settings.repeat_days)
    candidates: list[ChangeCandidate] = []
    reported: list[Box] = list(current.reported)
    for age in AGES:
        if age not in compared:
            continue
        ref, result = compared[age]
        others = [b for other, boxes in changes.items() if other != age for b in boxes]
        for region in result.regions:
            seen = others + earlier.get(age, [])
            if not any(overlaps(region.box, b) for b in seen):
                continue
            if any(overlaps(region.box, b) for b in recent + reported):
                continue
            candidates.append(
                _candidate(camera, (ref, current), region, result, age, settings=settings)
            )
            reported.append(region.box)
        break  # the nearer reference speaks; the other only confirms
    book.note(key, today, changes=changes, reported=reported)
    book.prune(key, today)
    return candidates


def _reported(book: ReferenceBook, key: ViewKey, today: date, days: int) -> list[Box]:
    """Boxes reported in the ``days`` days before ``today``."""
    boxes: list[Box] = []
    for day in book.days(key):
        if day < today and (today - day).days <= days:
            ref = book.get(key, day)
            boxes.extend(ref.reported if ref is not None else [])
    return boxes


def _candidate(
    camera: SceneCamera,
    pictures: tuple[Reference, Reference],
    region: Region,
    result: Comparison,
    age: int,
    *,
    settings: SceneChangeSettings,
) -> ChangeCandidate:
    ref, current = pictures
    before, after = result.before, result.after_aligned
    before_jpeg, after_jpeg = crop_pair(before, after, region.rect, settings.crop_margin)
    return ChangeCandidate(
        camera_id=camera.id,
        preset=camera.preset,
        box=region.box,
        box_px=region.rect,
        area_frac=region.area_frac,
        score=region.score,
        hint=region.hint,
        before_t=aware(ref.t),
        after_t=aware(current.t),
        reference_days=age,
        before_jpeg=before_jpeg,
        after_jpeg=after_jpeg,
    )
