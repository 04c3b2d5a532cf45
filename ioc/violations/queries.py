"""Reading candidates and cases for pages: the review queue, the case list, the counts.

Every query takes ``within``: the unit codes the reader sees (None: the whole province),
so what is out of a unit operator's scope is never read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ioc.store.models_violations import CaseStep, ChangeCandidate, ViolationCase
from ioc.violations.cases import ORIGIN_COLUMNS
from ioc.violations.steps import AGE_BANDS, CASE_VERDICTS, CLOSING_STEP, OPENED, STEPS, age_band

MAX_ROWS = 50


def _within(query: Select[Any], column: Any, within: frozenset[str] | None) -> Select[Any]:
    return query if within is None else query.where(column.in_(sorted(within)))


def pending_candidates(
    session: Session, within: frozenset[str] | None, limit: int = MAX_ROWS
) -> Sequence[ChangeCandidate]:
    """Candidates nobody reviewed yet, oldest change first (the queue)."""
    query = select(ChangeCandidate).where(ChangeCandidate.state == "pending")
    query = _within(query, ChangeCandidate.unit_code, within)
    return session.scalars(
        query.order_by(ChangeCandidate.after_t, ChangeCandidate.id).limit(limit)
    ).all()


def awaiting_case(
    session: Session, within: frozenset[str] | None, limit: int = MAX_ROWS
) -> Sequence[ChangeCandidate]:
    """Candidates reviewed as a construction or a clearing that have no case yet."""
    has_case = select(ViolationCase.candidate_id).where(ViolationCase.candidate_id.is_not(None))
    query = select(ChangeCandidate).where(
        ChangeCandidate.state == "reviewed",
        ChangeCandidate.verdict.in_(sorted(CASE_VERDICTS)),
        ChangeCandidate.id.not_in(has_case),
    )
    query = _within(query, ChangeCandidate.unit_code, within)
    return session.scalars(query.order_by(ChangeCandidate.reviewed_at.desc()).limit(limit)).all()


def recent_reviewed(
    session: Session, within: frozenset[str] | None, limit: int = 10
) -> Sequence[ChangeCandidate]:
    """The latest verdicts (kept answers), newest first."""
    query = select(ChangeCandidate).where(ChangeCandidate.state == "reviewed")
    query = _within(query, ChangeCandidate.unit_code, within)
    return session.scalars(query.order_by(ChangeCandidate.reviewed_at.desc()).limit(limit)).all()


def list_cases(
    session: Session, within: frozenset[str] | None, open_only: bool = False, limit: int = MAX_ROWS
) -> Sequence[ViolationCase]:
    """Cases in scope, open ones first, oldest first."""
    query = _within(select(ViolationCase), ViolationCase.unit_code, within)
    if open_only:
        query = query.where(ViolationCase.step != CLOSING_STEP)
    order = (ViolationCase.closed_at.is_not(None), ViolationCase.opened_at, ViolationCase.id)
    return session.scalars(query.order_by(*order).limit(limit)).all()


def steps_of(session: Session, case_ids: Iterable[int]) -> dict[int, list[CaseStep]]:
    """The recorded steps of each case, in order."""
    ids = sorted(set(case_ids))
    found: dict[int, list[CaseStep]] = {i: [] for i in ids}
    if not ids:
        return found
    rows = session.scalars(
        select(CaseStep).where(CaseStep.case_id.in_(ids)).order_by(CaseStep.case_id, CaseStep.id)
    ).all()
    for row in rows:
        found[row.case_id].append(row)
    return found


def cases_by_origin(session: Session, origin: str, ids: Iterable[int]) -> dict[int, int]:
    """``{origin id: case id}`` for the origins among ``ids`` that led to a case."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    column = ORIGIN_COLUMNS[origin]
    rows = session.execute(select(column, ViolationCase.id).where(column.in_(wanted))).all()
    return {int(origin_id): int(case_id) for origin_id, case_id in rows if origin_id is not None}


def open_counts(
    session: Session, within: frozenset[str] | None, now: datetime
) -> dict[str, dict[str, int]]:
    """Open cases by current step (``opened`` and every step but the last) and age band."""
    steps = (OPENED, *STEPS[:-1])
    counts = {step: {band: 0 for band, _ in AGE_BANDS} for step in steps}
    query = select(ViolationCase.step, ViolationCase.opened_at).where(
        ViolationCase.step != CLOSING_STEP
    )
    if within is not None:
        query = query.where(ViolationCase.unit_code.in_(sorted(within)))
    rows = session.execute(query).all()
    for step, opened_at in rows:
        days = (now - opened_at).total_seconds() / 86400
        counts.setdefault(step, {band: 0 for band, _ in AGE_BANDS})[age_band(days)] += 1
    return counts
