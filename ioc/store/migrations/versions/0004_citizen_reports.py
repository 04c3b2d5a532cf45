"""Citizen reports: routing, SLA and rating columns; categories, agencies, status history
and contacts tables.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from ioc.store.types import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NEW_COLUMNS: tuple[tuple[str, Any, dict[str, Any]], ...] = (
    ("address", sa.Text(), {"server_default": ""}),
    ("source", sa.String(40), {"server_default": "open311"}),
    ("agency", sa.String(200), {"server_default": ""}),
    ("media_path", sa.Text(), {}),
    ("attributes", sa.JSON(), {}),
    ("onsite_due_at", UtcDateTime(), {}),
    ("result_due_at", UtcDateTime(), {}),
    ("first_response_at", UtcDateTime(), {}),
    ("resolved_at", UtcDateTime(), {}),
    ("overdue", sa.Boolean(), {"server_default": sa.false()}),
    ("escalated_to", sa.String(16), {}),
    ("escalated_at", UtcDateTime(), {}),
    ("duplicate_of", sa.Integer(), {}),
    ("rating", sa.Integer(), {}),
    ("status_notes", sa.Text(), {"server_default": ""}),
)


def upgrade() -> None:
    with op.batch_alter_table("citizen_reports") as batch:
        for name, kind, extra in NEW_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable="server_default" not in extra, **extra))
    op.create_index(
        "ix_citizen_reports_unit_created", "citizen_reports", ["unit_code", "created_at"]
    )
    _create_tables()


def _create_tables() -> None:
    op.create_table(
        "report_categories",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("name_vi", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("description_vi", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("onsite_hours", sa.Float(), nullable=False),
        sa.Column("result_hours", sa.Float(), nullable=False),
        sa.Column("agency_vi", sa.String(200), nullable=False),
        sa.Column("agency_en", sa.String(200), nullable=False),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "report_agencies",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("unit_code", sa.String(16), nullable=False),
        sa.Column("service_code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.UniqueConstraint("unit_code", "service_code", name="uq_report_agencies"),
    )
    op.create_table(
        "report_status_changes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "report_id",
            sa.Integer(),
            sa.ForeignKey("citizen_reports.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("from_status", sa.String(20), nullable=True),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("changed_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_report_status_changes_report_id", "report_status_changes", ["report_id"])
    op.create_index("ix_report_status_changes_changed_at", "report_status_changes", ["changed_at"])
    op.create_table(
        "report_contacts",
        sa.Column(
            "report_id",
            sa.Integer(),
            sa.ForeignKey("citizen_reports.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("email", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("report_contacts")
    op.drop_index("ix_report_status_changes_changed_at", table_name="report_status_changes")
    op.drop_index("ix_report_status_changes_report_id", table_name="report_status_changes")
    op.drop_table("report_status_changes")
    op.drop_table("report_agencies")
    op.drop_table("report_categories")
    op.drop_index("ix_citizen_reports_unit_created", table_name="citizen_reports")
    with op.batch_alter_table("citizen_reports") as batch:
        for name, _kind, _extra in reversed(NEW_COLUMNS):
            batch.drop_column(name)
