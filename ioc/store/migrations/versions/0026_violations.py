"""Scene changes and violation cases: ``change_candidates``, ``violation_cases``, ``case_steps``.

The camera's scene-change detector stores each persistent change of a view as a candidate
(its box, before/after pictures as files beside the detection snapshots) that an operator
reviews; a violation case (vụ việc vi phạm) opened from a candidate, a citizen report or an
incident goes through its steps (kiểm tra, lập biên bản, quyết định xử phạt, buộc khắc phục,
đã khắc phục), one row each. Both carry ``simulated`` like detections and incidents
(0020_simulated). Plain tables on both backends; a GIST index on the case's point on PostGIS.

Revision ID: 0026_violations
Revises: 0025_connectors
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ioc.store.types import Geom, UtcDateTime

revision = "0026_violations"
down_revision = "0025_connectors"
branch_labels = None
depends_on = None

ONE_ORIGIN = (
    "(origin = 'candidate' AND candidate_id IS NOT NULL AND report_id IS NULL"
    " AND incident_id IS NULL)"
    " OR (origin = 'report' AND report_id IS NOT NULL AND candidate_id IS NULL"
    " AND incident_id IS NULL)"
    " OR (origin = 'incident' AND incident_id IS NOT NULL AND candidate_id IS NULL"
    " AND report_id IS NULL)"
)


def _simulated() -> sa.Column[bool]:
    return sa.Column("simulated", sa.Boolean(), nullable=False, server_default=sa.false())


def upgrade() -> None:
    op.create_table(
        "change_candidates",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("camera_id", sa.String(64), nullable=False),
        sa.Column("preset", sa.String(64), nullable=True),
        sa.Column("unit_code", sa.String(16), nullable=True),
        sa.Column("box", sa.JSON(), nullable=False),
        sa.Column("area_frac", sa.Float(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("hint", sa.String(16), nullable=False),
        sa.Column("before_t", UtcDateTime(), nullable=False),
        sa.Column("after_t", UtcDateTime(), nullable=False),
        sa.Column("reference_days", sa.Integer(), nullable=False),
        sa.Column("before_path", sa.Text(), nullable=False),
        sa.Column("after_path", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("verdict", sa.String(24), nullable=True),
        sa.Column("permit_no", sa.String(64), nullable=True),
        sa.Column("reviewer", sa.String(120), nullable=True),
        sa.Column("reviewed_at", UtcDateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        _simulated(),
    )
    for column in ("camera_id", "unit_code", "after_t", "state"):
        op.create_index(f"ix_change_candidates_{column}", "change_candidates", [column])
    _cases()
    _steps()


def _cases() -> None:
    op.create_table(
        "violation_cases",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("geom", Geom("POINT"), nullable=False),
        sa.Column("unit_code", sa.String(16), nullable=True),
        sa.Column("unit_nearest", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("candidate_id", sa.Integer(), sa.ForeignKey("change_candidates.id")),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("citizen_reports.id")),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incidents.id")),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("step", sa.String(24), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("opened_by", sa.String(120), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        _simulated(),
        sa.UniqueConstraint("candidate_id", name="uq_violation_cases_candidate_id"),
        sa.UniqueConstraint("report_id", name="uq_violation_cases_report_id"),
        sa.UniqueConstraint("incident_id", name="uq_violation_cases_incident_id"),
        sa.CheckConstraint(ONE_ORIGIN, name="ck_violation_cases_one_origin"),
    )
    for column in ("unit_code", "step", "opened_at"):
        op.create_index(f"ix_violation_cases_{column}", "violation_cases", [column])
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_violation_cases_geom_gist", "violation_cases", ["geom"], postgresql_using="gist"
        )


def _steps() -> None:
    op.create_table(
        "case_steps",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "case_id",
            sa.Integer(),
            sa.ForeignKey("violation_cases.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("step", sa.String(24), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("officer", sa.String(120), nullable=False),
        sa.Column("document", sa.String(200), nullable=False),
        sa.Column("decision_no", sa.String(64), nullable=True),
        sa.Column("amount_vnd", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(120), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("case_id", "step", name="uq_case_steps_case_step"),
    )
    op.create_index("ix_case_steps_case_id", "case_steps", ["case_id"])


def downgrade() -> None:
    op.drop_table("case_steps")
    op.drop_table("violation_cases")
    op.drop_table("change_candidates")
