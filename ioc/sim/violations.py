"""Made-up scene changes and violation cases for the demo, every one marked simulated.

A few demo cameras get a change candidate each: a drawn hillside of pines a month ago and
today, with a new roof or a cleared patch in the second picture. They go in through the
same :func:`ioc.violations.candidates.add_candidate` the detector uses. Two wait for review;
the others are reviewed and followed by cases at different steps and ages, so the review
queue, ``/vu-viec`` and the unit pages' counts have something to show. Seeded once (only
when the store has no candidate yet).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ioc.store import Store
from ioc.store.models import Camera
from ioc.store.models_violations import ChangeCandidate
from ioc.timeutil import to_local, utcnow
from ioc.violations.candidates import add_candidate, review
from ioc.violations.cases import add_step, open_case
from ioc.violations.steps import STEPS, StepEntry

log = logging.getLogger(__name__)
WIDTH, HEIGHT = 640, 360
ACTOR = "mô phỏng"
OFFICERS = ("Cán bộ mô phỏng Trần Văn B", "Cán bộ mô phỏng Lê Thị C")


@dataclass(frozen=True)
class DemoChange:
    """One made-up change: what appears, the verdict (None: pending), the case's step and age."""

    hint: str
    verdict: str | None
    steps: int  # how many steps of the case are done
    age_days: int


DEMO: tuple[DemoChange, ...] = (
    DemoChange("structure", None, 0, 0),
    DemoChange("clearing", "forest_clearing", 2, 45),
    DemoChange("structure", "new_construction", 0, 5),
    DemoChange("clearing", None, 0, 0),
    DemoChange("structure", "new_construction", 3, 120),
)


def hillside(seed: int) -> np.ndarray:
    """A green hillside under a pale sky with rows of dark pines (BGR)."""
    rng = np.random.default_rng(seed)
    picture = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    picture[:] = (200, 180, 150)
    ridge = [(x, int(120 + 30 * np.sin(x / 90 + seed))) for x in range(0, WIDTH + 1, 16)]
    hill = np.array([*ridge, (WIDTH, HEIGHT), (0, HEIGHT)], np.int32)
    cv2.fillPoly(picture, [hill], (60, 120, 70))
    for _ in range(140):
        x, y = int(rng.integers(0, WIDTH)), int(rng.integers(150, HEIGHT))
        cv2.circle(picture, (x, y), int(rng.integers(5, 10)), (30, 70, 35), -1)
    return picture


def changed(picture: np.ndarray, hint: str) -> np.ndarray:
    """``picture`` with a new roof (structure) or a brown cleared patch (clearing)."""
    after = picture.copy()
    if hint == "structure":
        cv2.rectangle(after, (300, 220), (380, 270), (215, 215, 225), -1)
        roof = np.array([(292, 222), (340, 190), (388, 222)], np.int32)
        cv2.fillPoly(after, [roof], (40, 60, 170))
    else:
        cv2.ellipse(after, (260, 260), (90, 45), 0, 0, 360, (70, 110, 150), -1)
    return after


def jpeg(picture: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".jpg", picture, [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        raise RuntimeError("could not encode a demo picture")
    return bytes(data.tobytes())


def seed_demo_violations(store: Store, var_dir: Path, now: datetime | None = None) -> int:
    """Add the demo's candidates and cases (once); how many candidates were added."""
    moment = now or utcnow()
    with store.session() as session:
        if session.scalar(select(func.count()).select_from(ChangeCandidate)):
            return 0
        dalat_first = (Camera.id.like("LD-DL-%").desc(), Camera.id)  # the demo operator's city
        cameras = session.scalars(select(Camera.id).order_by(*dalat_first).limit(len(DEMO))).all()
    added = 0
    for index, (camera_id, demo) in enumerate(zip(cameras, DEMO, strict=False)):
        with store.session() as session:
            _one(session, var_dir, camera_id, demo=demo, now=moment, index=index)
        added += 1
    log.info("seeded %d simulated scene changes and their cases", added)
    return added


def _one(
    session: Session, var_dir: Path, camera_id: str, *, demo: DemoChange, now: datetime, index: int
) -> None:
    found = now - timedelta(days=demo.age_days + 1)
    before = hillside(index)
    candidate_id = add_candidate(
        session,
        var_dir=var_dir,
        camera_id=camera_id,
        preset=None,
        box=(250.0, 180.0, 400.0, 310.0),
        area_frac=0.08,
        score=0.7 + 0.05 * index,
        hint=demo.hint,
        before_t=found - timedelta(days=30),
        after_t=found,
        reference_days=30,
        before_jpeg=jpeg(before),
        after_jpeg=jpeg(changed(before, demo.hint)),
        simulated=True,
    )
    if demo.verdict is None:
        return
    opened = now - timedelta(days=demo.age_days)
    review(session, candidate_id, verdict=demo.verdict, actor=ACTOR, at=opened)
    kind = "unpermitted_construction" if demo.verdict == "new_construction" else "deforestation"
    case = open_case(
        session,
        origin="candidate",
        origin_id=candidate_id,
        kind=kind,
        actor=ACTOR,
        at=opened,
        simulated=True,
    )
    day = to_local(opened).date()
    for number, step in enumerate(STEPS[: demo.steps]):
        add_step(
            session,
            case.id,
            _entry(step, day + timedelta(days=7 * number), index),
            actor=ACTOR,
            at=now,
        )


def _entry(step: str, on: date, index: int) -> StepEntry:
    sanction = step == "sanction_decided"
    return StepEntry(
        step=step,
        done_on=on,
        officer=OFFICERS[index % len(OFFICERS)],
        document=f"MP-{index:02d}/{step}",
        decision_no=f"{10 + index}/QĐ-XPHC (mô phỏng)" if sanction else "",
        amount_vnd=40_000_000 if sanction else None,
    )
