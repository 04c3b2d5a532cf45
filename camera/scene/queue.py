"""Where the camera worker puts change candidates: the review queue in the store.

Each candidate is written by :func:`ioc.violations.candidates.add_candidate` (pictures under
``var_dir``, an audit entry), with its box in the reference picture's pixels. A store that
is away or a candidate the store refuses is logged and skipped: the reference book keeps the
day's pictures, so nothing a reviewer needs is lost, and the worker goes on analysing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from camera.scene.daily import ChangeCandidate
from ioc.store.lazy import LazyStore
from ioc.violations.candidates import add_candidate

log = logging.getLogger(__name__)


@dataclass
class CandidateQueue:
    """Stores candidates through the worker's shared store."""

    store: LazyStore
    var_dir: Path

    def __call__(self, candidates: Sequence[ChangeCandidate]) -> None:
        for found in candidates:
            x, y, w, h = found.box_px
            try:
                number = add_candidate(
                    self.store.get().engine,
                    var_dir=self.var_dir,
                    camera_id=found.camera_id,
                    preset=found.preset,
                    box=(x, y, x + w, y + h),
                    area_frac=found.area_frac,
                    score=found.score,
                    hint=found.hint,
                    before_t=found.before_t,
                    after_t=found.after_t,
                    reference_days=found.reference_days,
                    before_jpeg=found.before_jpeg,
                    after_jpeg=found.after_jpeg,
                )
            except (SQLAlchemyError, ValueError, OSError) as exc:
                log.warning("scene %s: change candidate not stored: %s", found.camera_id, exc)
                continue
            log.info("scene %s: change candidate #%d queued for review", found.camera_id, number)
