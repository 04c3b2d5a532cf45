"""A reference book per camera view: one picture a day, at an hour of good light.

A *view* is a camera and, for a PTZ camera with several presets, one preset. For each view
and local day (Asia/Ho_Chi_Minh) the book keeps one picture on disk, the best one offered
in the window around ``reference_hour`` (see :func:`frame_quality`), as a JPEG with a small
JSON sidecar::

    <root>/<camera id>/<preset or _>/2026-12-06.jpg
    <root>/<camera id>/<preset or _>/2026-12-06.json   {"t", "quality", "width", "height",
                                                         "changes": {"7": [...], "30": [...]},
                                                         "reported": [...]}

``changes`` are the regions found that day against the 7- and 30-day references (boxes as
fractions), read back the next day for persistence; ``reported`` the boxes turned into
candidates, so a change is not reported again every day. Pictures older than ``keep_days``
are pruned. All times are timezone-aware; a naive time is taken as UTC, as the store does.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from camera.health import luma, picture_health, sharpness
from camera.stills import read_picture
from camera.types import Box, Image
from ioc.config.scene_change import SceneChangeSettings
from ioc.mqtt.payloads import CameraHealth
from ioc.timeutil import LOCAL_TZ

QUALITY_WIDTH = 512
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class ViewKey:
    """One camera view: a camera, and its PTZ preset where it has several."""

    camera_id: str
    preset: str | None = None

    def folder(self) -> Path:
        """Relative folder of the view (names made safe for any file system)."""
        preset = "_" if self.preset is None else "p-" + _safe(self.preset)
        return Path(_safe(self.camera_id)) / preset


def _safe(name: str) -> str:
    cleaned = SAFE_NAME.sub("-", name).strip("-.")
    return cleaned or "-"


@dataclass(frozen=True)
class Reference:
    """One day's stored picture of a view and what was noted about it."""

    day: date
    t: datetime
    quality: float
    path: Path
    changes: dict[int, list[Box]] = field(default_factory=dict)
    reported: list[Box] = field(default_factory=list)

    def picture(self) -> Image | None:
        """The JPEG as BGR (None when it can no longer be read)."""
        return read_picture(self.path)


def aware(t: datetime) -> datetime:
    """``t`` with a time zone (naive times are UTC)."""
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def local_day(t: datetime) -> date:
    """The local (Asia/Ho_Chi_Minh) calendar day of ``t``."""
    return aware(t).astimezone(LOCAL_TZ).date()


def frame_quality(frame: Image) -> float | None:
    """How good a frame is as a day's reference, or None when unusable (dark, covered,
    blurred: :func:`camera.health.picture_health`). Sharper is better (log of the Laplacian
    variance), times how well exposed it is (mean near mid-grey, few clipped pixels)."""
    grey = luma(frame)
    if grey.shape[1] > QUALITY_WIDTH:
        height = max(1, round(grey.shape[0] * QUALITY_WIDTH / grey.shape[1]))
        grey = np.asarray(cv2.resize(grey, (QUALITY_WIDTH, height), interpolation=cv2.INTER_AREA))
    if picture_health(grey) is not CameraHealth.OK:
        return None
    mean = float(grey.mean())
    clipped = float(((grey <= 3) | (grey >= 252)).mean())
    exposure = max(0.05, 1.0 - abs(mean - 120.0) / 120.0) * (1.0 - clipped)
    return math.log1p(sharpness(grey)) * exposure


class ReferenceBook:
    """The reference pictures of every view under ``root`` (a directory)."""

    def __init__(self, root: Path, settings: SceneChangeSettings | None = None) -> None:
        self.root = Path(root)
        self.settings = settings or SceneChangeSettings()

    # -- the day's window --------------------------------------------------------------

    def window(self, day: date) -> tuple[datetime, datetime]:
        """Start and end (aware, local) of ``day``'s reference window."""
        hour = self.settings.reference_hour
        centre = datetime.combine(day, time(0), LOCAL_TZ) + timedelta(hours=hour)
        half = timedelta(minutes=self.settings.window_minutes / 2)
        return centre - half, centre + half

    def in_window(self, t: datetime) -> bool:
        """Whether ``t`` falls in its local day's reference window."""
        start, end = self.window(local_day(t))
        return start <= aware(t) <= end

    def window_over(self, t: datetime) -> bool:
        """Whether ``t`` is past its local day's window (time for the daily check)."""
        return aware(t) > self.window(local_day(t))[1]

    # -- pictures ----------------------------------------------------------------------

    def offer(self, view: ViewKey, frame: Image, t: datetime) -> bool:
        """Keep ``frame`` as the day's picture when it falls in the window and is better
        than the one kept so far; True when kept."""
        return self.in_window(t) and self.keep(view, frame, t)

    def keep(self, view: ViewKey, frame: Image, t: datetime) -> bool:
        """Keep ``frame`` as its day's picture, window or not, when usable and better than
        the one kept so far; True when kept."""
        quality = frame_quality(frame)
        if quality is None:
            return False
        day = local_day(t)
        current = self.get(view, day)
        if current is not None and current.quality >= quality:
            return False
        folder = self.root / view.folder()
        folder.mkdir(parents=True, exist_ok=True)
        jpeg = folder / f"{day.isoformat()}.jpg"
        ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 92])
        if not ok:
            return False
        tmp = jpeg.with_suffix(".jpg.tmp")
        tmp.write_bytes(data.tobytes())
        tmp.replace(jpeg)
        self._write_sidecar(
            view,
            day,
            {
                "t": aware(t).isoformat(),
                "quality": round(quality, 4),
                "width": int(frame.shape[1]),
                "height": int(frame.shape[0]),
                "changes": {
                    str(k): [list(b) for b in v]
                    for k, v in (current.changes if current else {}).items()
                },
                "reported": [list(b) for b in (current.reported if current else [])],
            },
        )
        return True

    def get(self, view: ViewKey, day: date) -> Reference | None:
        """The picture kept for ``day``, or None."""
        folder = self.root / view.folder()
        jpeg, sidecar = folder / f"{day.isoformat()}.jpg", folder / f"{day.isoformat()}.json"
        if not jpeg.is_file() or not sidecar.is_file():
            return None
        try:
            data = json.loads(sidecar.read_text(encoding="utf-8"))
            return Reference(
                day=day,
                t=aware(datetime.fromisoformat(data["t"])),
                quality=float(data["quality"]),
                path=jpeg,
                changes={int(k): [_box(b) for b in v] for k, v in data["changes"].items()},
                reported=[_box(b) for b in data.get("reported", [])],
            )
        except (ValueError, KeyError, TypeError):
            return None

    def days(self, view: ViewKey) -> list[date]:
        """The days that have a picture, oldest first."""
        folder = self.root / view.folder()
        if not folder.is_dir():
            return []
        found = []
        for path in folder.glob("*.jpg"):
            try:
                found.append(date.fromisoformat(path.stem))
            except ValueError:
                continue
        return sorted(found)

    def nearest(
        self, view: ViewKey, today: date, days_back: int, tolerance: int
    ) -> Reference | None:
        """The picture nearest to ``days_back`` days before ``today``, at most ``tolerance``
        days off (never today or later); on a tie the older one."""
        target = today - timedelta(days=days_back)
        options = [d for d in self.days(view) if abs((d - target).days) <= tolerance and d < today]
        for day in sorted(options, key=lambda d: (abs((d - target).days), d)):
            ref = self.get(view, day)
            if ref is not None:
                return ref
        return None

    def note(
        self,
        view: ViewKey,
        day: date,
        changes: dict[int, list[Box]] | None = None,
        reported: list[Box] | None = None,
    ) -> None:
        """Record the day's changes per reference age, and the boxes reported."""
        sidecar = self.root / view.folder() / f"{day.isoformat()}.json"
        data: dict[str, Any] = json.loads(sidecar.read_text(encoding="utf-8"))
        if changes is not None:
            data["changes"] = {str(k): [list(b) for b in v] for k, v in changes.items()}
        if reported is not None:
            data["reported"] = [list(b) for b in reported]
        self._write_sidecar(view, day, data)

    def prune(self, view: ViewKey, today: date) -> int:
        """Delete pictures older than ``keep_days`` before ``today``; how many went."""
        oldest = today - timedelta(days=self.settings.keep_days)
        gone = 0
        folder = self.root / view.folder()
        for day in self.days(view):
            if day < oldest:
                for suffix in (".jpg", ".json"):
                    (folder / f"{day.isoformat()}{suffix}").unlink(missing_ok=True)
                gone += 1
        return gone

    def _write_sidecar(self, view: ViewKey, day: date, data: dict[str, Any]) -> None:
        sidecar = self.root / view.folder() / f"{day.isoformat()}.json"
        tmp = sidecar.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        tmp.replace(sidecar)


def _box(raw: Any) -> Box:
    x, y, w, h = (float(v) for v in raw)
    return (x, y, w, h)
