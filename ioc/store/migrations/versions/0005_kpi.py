"""Public-service KPIs: more dossier facts, indexes for per-period counts, indicator series.

Revision ID: 0005
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ioc.store.types import UtcDateTime

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(
            sa.Column("procedure_name", sa.String(length=300), nullable=False, server_default="")
        )
        for name, default in (
            ("result_digitised", sa.false()),
            ("fee_required", sa.false()),
            ("published", sa.true()),
        ):
            batch.add_column(sa.Column(name, sa.Boolean(), nullable=False, server_default=default))
        batch.add_column(sa.Column("event_at", UtcDateTime(), nullable=True))
    op.create_index(op.f("ix_dossiers_finished_at"), "dossiers", ["finished_at"], unique=False)
    op.create_index(op.f("ix_dossiers_due_at"), "dossiers", ["due_at"], unique=False)
    op.create_table(
        "indicator_values",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("indicator", "unit_code", "period", name="uq_indicator_values_key"),
    )
    op.create_index(
        "ix_indicator_values_unit",
        "indicator_values",
        ["unit_code", "indicator", "period_start"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_indicator_values_unit", table_name="indicator_values")
    op.drop_table("indicator_values")
    op.drop_index(op.f("ix_dossiers_due_at"), table_name="dossiers")
    op.drop_index(op.f("ix_dossiers_finished_at"), table_name="dossiers")
    with op.batch_alter_table("dossiers") as batch:
        for name in ("event_at", "published", "fee_required", "result_digitised"):
            batch.drop_column(name)
        batch.drop_column("procedure_name")
