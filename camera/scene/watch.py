"""One camera's scene watch inside the camera worker: a picture a day, then the daily check.

The runner hands every analysed frame to :meth:`SceneWatch.on_frame`. During the day's
reference window (``camera_worker.scene.reference_hour`` ± half of ``window_minutes``, local
time) a frame is offered to the :class:`~camera.scene.references.ReferenceBook` every
``sample_every_s`` seconds and the book keeps the day's best. The first frame after the
window runs :func:`~camera.scene.daily.daily_check` once on the kept picture, and the
candidates it finds go to the ``sink`` (the store's review queue in the worker).

Times are the wall clock when the frame arrives: a stream's own clock may be a media
position (a looped file) and says nothing of the hour of light.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from camera.scene.daily import ChangeCandidate, SceneCamera, daily_check
from camera.scene.references import ReferenceBook, local_day
from camera.types import Image
from ioc.timeutil import utcnow

log = logging.getLogger(__name__)

Sink = Callable[[Sequence[ChangeCandidate]], None]


@dataclass
class SceneWatch:
    """Feeds one camera view's frames to its reference book; checks it once a day."""

    book: ReferenceBook
    camera: SceneCamera
    sink: Sink
    clock: Callable[[], datetime] = utcnow
    sampled_at: datetime | None = None
    checked: date | None = None
    found: int = field(default=0)  # candidates handed to the sink since start

    def on_frame(self, frame: Image) -> None:
        """Offer ``frame`` in the window; after it, run the day's check once."""
        now = self.clock()
        if self.book.in_window(now):
            self._sample(frame, now)
            return
        day = local_day(now)
        if self.checked == day or not self.book.window_over(now):
            return
        self.checked = day
        self._check(day)

    def _sample(self, frame: Image, now: datetime) -> None:
        every = self.book.settings.sample_every_s
        if self.sampled_at is not None and (now - self.sampled_at).total_seconds() < every:
            return
        self.sampled_at = now
        self.book.offer(self.camera.key, frame, now)

    def _check(self, day: date) -> None:
        kept = self.book.get(self.camera.key, day)
        picture = None if kept is None else kept.picture()
        if kept is None or picture is None:
            log.info("scene %s: no usable picture in the window of %s", self.camera.id, day)
            return
        try:
            candidates = daily_check(self.book, self.camera, picture, kept.t)
        except (OSError, ValueError):
            log.exception("scene %s: the daily check of %s failed", self.camera.id, day)
            return
        if candidates:
            log.info("scene %s: %d change candidate(s) on %s", self.camera.id, len(candidates), day)
            self.found += len(candidates)
            self.sink(candidates)
