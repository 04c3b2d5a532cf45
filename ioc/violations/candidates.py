"""Change candidates in the store: what the scene-change detector found, and its review.

:func:`add_candidate` is the one door the camera worker's detector comes through: it writes
the before/after JPEGs beside the camera's detection snapshots
(``<var_dir>/snapshots/<camera folder>/<stamp>-change-<id>-before.jpg``, served by
``/files/snapshots/`` to whoever sees the camera's unit), stores the row with the camera's
unit, and audits it. :func:`review` keeps an operator's verdict: once, with who and when;
a known project needs its permit number. The detector learns nothing from the verdicts:
its thresholds stay data in the camera's settings.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from ioc.audit import log as audit_log
from ioc.store.cameras import SNAPSHOTS, snapshot_folder
from ioc.store.models import Camera
from ioc.store.models_violations import ChangeCandidate
from ioc.timeutil import utcnow
from ioc.violations.steps import HINTS, StepError, check_verdict

JPEG_MAGIC = b"\xff\xd8\xff"
MAX_NOTE = 1000


class NotFoundError(LookupError):
    """No such candidate or case (or one out of the asker's sight)."""


@dataclass(frozen=True)
class CandidateIn:
    """The fields the scene-change detector emits for one change."""

    camera_id: str
    preset: str | None
    box: tuple[float, float, float, float]
    area_frac: float
    score: float
    hint: str
    before_t: datetime
    after_t: datetime
    reference_days: int
    before_jpeg: bytes
    after_jpeg: bytes


def add_candidate(
    bind: Engine | Connection | Session,
    *,
    var_dir: Path,
    camera_id: str,
    preset: str | None,
    box: Sequence[float],
    area_frac: float,
    score: float,
    hint: str,
    before_t: datetime,
    after_t: datetime,
    reference_days: int,
    before_jpeg: bytes,
    after_jpeg: bytes,
    simulated: bool = False,
) -> int:
    """Store one change candidate (pictures as files) and audit it; its id.

    ``bind`` is an engine (own transaction), a connection (its transaction) or a session
    (its transaction, flushed). Raises ValueError for a field the contract does not allow.
    """
    found = CandidateIn(
        camera_id,
        preset,
        _box(box),
        float(area_frac),
        float(score),
        hint,
        before_t,
        after_t,
        int(reference_days),
        before_jpeg,
        after_jpeg,
    )
    _check(found)
    if isinstance(bind, Session):
        return _insert(bind, var_dir, found, simulated)
    with Session(bind=bind) as session, session.begin():
        return _insert(session, var_dir, found, simulated)


def _box(box: Sequence[float]) -> tuple[float, float, float, float]:
    values = tuple(float(v) for v in box)
    if len(values) != 4:
        raise ValueError("box must be x0, y0, x1, y1")
    x0, y0, x1, y1 = values
    if not (0 <= x0 < x1 and 0 <= y0 < y1):
        raise ValueError(f"box {values} is not x0 < x1, y0 < y1 in picture pixels")
    return x0, y0, x1, y1


def _check(found: CandidateIn) -> None:
    if not found.camera_id or len(found.camera_id) > 64:
        raise ValueError("camera_id must be 1..64 characters")
    if found.preset is not None and len(found.preset) > 64:
        raise ValueError("preset must be at most 64 characters")
    if found.hint not in HINTS:
        raise ValueError(f"hint must be one of {HINTS}")
    if not 0.0 <= found.area_frac <= 1.0:
        raise ValueError("area_frac must be within 0..1")
    if found.before_t.tzinfo is None or found.after_t.tzinfo is None:
        raise ValueError("before_t and after_t must be timezone-aware (UTC)")
    if found.after_t <= found.before_t:
        raise ValueError("after_t must come after before_t")
    if found.reference_days <= 0:
        raise ValueError("reference_days must be positive")
    for name, data in (("before_jpeg", found.before_jpeg), ("after_jpeg", found.after_jpeg)):
        if not data.startswith(JPEG_MAGIC):
            raise ValueError(f"{name} is not a JPEG")


def _insert(session: Session, var_dir: Path, found: CandidateIn, simulated: bool) -> int:
    now = utcnow()
    before, after = write_pictures(var_dir, found, now)
    unit = session.scalar(select(Camera.unit_code).where(Camera.id == found.camera_id))
    row = ChangeCandidate(
        camera_id=found.camera_id,
        preset=found.preset,
        unit_code=unit,
        box=list(found.box),
        area_frac=found.area_frac,
        score=found.score,
        hint=found.hint,
        before_t=found.before_t,
        after_t=found.after_t,
        reference_days=found.reference_days,
        before_path=before,
        after_path=after,
        created_at=now,
        state="pending",
        note="",
        simulated=simulated,
    )
    session.add(row)
    session.flush()
    audit_log.append(
        session,
        "change.candidate",
        actor=f"camera:{found.camera_id}",
        target=f"change:{row.id}",
        unit_code=unit,
        detail={
            "preset": found.preset,
            "hint": found.hint,
            "area_frac": found.area_frac,
            "score": found.score,
            "reference_days": found.reference_days,
            "simulated": simulated,
        },
        at=now,
    )
    return int(row.id)


def write_pictures(var_dir: Path, found: CandidateIn, now: datetime) -> tuple[str, str]:
    """Write the pair beside the camera's detection snapshots; paths relative to var_dir."""
    folder = Path(SNAPSHOTS) / snapshot_folder(found.camera_id)
    (var_dir / folder).mkdir(parents=True, exist_ok=True)
    base = f"{now.strftime('%Y%m%dT%H%M%S')}-change-{uuid.uuid4().hex[:8]}"
    paths = []
    for name, data in (("before", found.before_jpeg), ("after", found.after_jpeg)):
        relative = folder / f"{base}-{name}.jpg"
        (var_dir / relative).write_bytes(data)
        paths.append(relative.as_posix())
    return paths[0], paths[1]


def review(
    session: Session,
    candidate_id: int,
    *,
    verdict: str,
    permit_no: str = "",
    note: str = "",
    actor: str,
    at: datetime,
    client: str = "",
) -> ChangeCandidate:
    """Keep an operator's verdict on a pending candidate (raises :class:`StepError` for an
    unknown verdict, a known project without its permit, or a candidate already reviewed;
    :class:`NotFoundError` for no such candidate)."""
    row = session.get(ChangeCandidate, candidate_id, with_for_update=True)
    if row is None:
        raise NotFoundError(f"no change candidate {candidate_id}")
    check_verdict(verdict, permit_no)
    if row.state != "pending":
        raise StepError("reviewed", f"change candidate {candidate_id} is already reviewed")
    row.state, row.verdict, row.reviewer, row.reviewed_at = "reviewed", verdict, actor, at
    row.permit_no = permit_no.strip()[:64] if verdict == "known_project" else None
    row.note = note.strip()[:MAX_NOTE]
    audit_log.append(
        session,
        "change.review",
        actor=actor,
        target=f"change:{row.id}",
        unit_code=row.unit_code,
        client=client,
        detail={
            "from": "pending",
            "to": "reviewed",
            "verdict": verdict,
            "permit_no": row.permit_no,
            "note": row.note[:500],
        },
        at=at,
    )
    session.flush()
    return row
