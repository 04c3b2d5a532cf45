"""Tables of scene changes and violation cases (vụ việc vi phạm): candidates, cases, steps.

A *change candidate* is what the camera's scene-change detector found between a reference
picture and today's (a box on the picture, two JPEG files under ``<var_dir>/snapshots/<camera
folder>/``) and, once an operator looked at it, their verdict. A *violation case* is opened
from exactly one origin (a change candidate, a citizen report or an incident) and moves
through its steps in order; each step is one row of ``case_steps``. Only staff data lives
here (officers, reviewers): a case from a citizen report keeps the report's id, never the
reporter's words or contact.
"""

from __future__ import annotations

from datetime import date, datetime

import shapely
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from ioc.store.models import Base
from ioc.store.types import Geom, UtcDateTime

# Exactly one origin, and the one ``origin`` names (migration 0026 makes the same check).
ONE_ORIGIN = (
    "(origin = 'candidate' AND candidate_id IS NOT NULL AND report_id IS NULL"
    " AND incident_id IS NULL)"
    " OR (origin = 'report' AND report_id IS NOT NULL AND candidate_id IS NULL"
    " AND incident_id IS NULL)"
    " OR (origin = 'incident' AND incident_id IS NOT NULL AND candidate_id IS NULL"
    " AND report_id IS NULL)"
)


class ChangeCandidate(Base):
    """A persistent change in one camera view (per preset), and its review."""

    __tablename__ = "change_candidates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    camera_id: Mapped[str] = mapped_column(String(64), index=True)
    preset: Mapped[str | None] = mapped_column(String(64), nullable=True)
    unit_code: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    box: Mapped[list[float]] = mapped_column(JSON)  # x0, y0, x1, y1: reference-picture pixels
    area_frac: Mapped[float] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)
    hint: Mapped[str] = mapped_column(String(16))  # structure | clearing | other
    before_t: Mapped[datetime] = mapped_column(UtcDateTime())
    after_t: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    reference_days: Mapped[int] = mapped_column(Integer)
    before_path: Mapped[str] = mapped_column(Text)  # relative to var_dir: snapshots/<cam>/...
    after_path: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    state: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    verdict: Mapped[str | None] = mapped_column(String(24), nullable=True)
    permit_no: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reviewer: Mapped[str | None] = mapped_column(String(120), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    simulated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ViolationCase(Base):
    """One violation case: its kind, place, unit, origin, evidence and current step."""

    __tablename__ = "violation_cases"
    __table_args__ = (CheckConstraint(ONE_ORIGIN, name="ck_violation_cases_one_origin"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    geom: Mapped[shapely.Geometry] = mapped_column(Geom("POINT"))
    unit_code: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    unit_nearest: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    origin: Mapped[str] = mapped_column(String(16))  # candidate | report | incident
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("change_candidates.id"), nullable=True, unique=True
    )
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("citizen_reports.id"), nullable=True, unique=True
    )
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id"), nullable=True, unique=True
    )
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)  # paths under var_dir
    step: Mapped[str] = mapped_column(String(24), default="opened", index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    opened_by: Mapped[str] = mapped_column(String(120))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    simulated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class CaseStep(Base):
    """One step of a case: its date, the officer, the document; a sanction's number and sum."""

    __tablename__ = "case_steps"
    __table_args__ = (UniqueConstraint("case_id", "step", name="uq_case_steps_case_step"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("violation_cases.id", ondelete="CASCADE"), index=True
    )
    step: Mapped[str] = mapped_column(String(24))
    done_on: Mapped[date] = mapped_column(Date)
    officer: Mapped[str] = mapped_column(String(120))
    document: Mapped[str] = mapped_column(String(200))
    decision_no: Mapped[str | None] = mapped_column(String(64), nullable=True)
    amount_vnd: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
