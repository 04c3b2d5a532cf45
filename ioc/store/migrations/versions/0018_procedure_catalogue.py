"""The procedure catalogue (danh mục TTHC) per unit and period, for Decision 766.

The procedure-based sub-indicators of the index (announced/updated on time, published in
full, offered online, fee-bearing and payable online, connected to the population
database) count procedures, not dossiers; a province imports its catalogue per unit and
period (``ioc kpi catalogue import``). Plain table on both backends.

Revision ID: 0018_catalogue
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ioc.store.types import UtcDateTime

revision = "0018_catalogue"
down_revision = "0018"
branch_labels = None
depends_on = None

FLAGS = (
    "fee",
    "online_payment",
    "population_db",
    "announced",
    "announced_on_time",
    "updated",
    "updated_on_time",
    "published_full",
)


def upgrade() -> None:
    op.create_table(
        "procedure_catalogue",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("procedure_code", sa.String(length=64), nullable=False),
        sa.Column("procedure_name", sa.String(length=300), nullable=False),
        sa.Column("online_level", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Boolean(), nullable=False) for name in FLAGS),
        sa.Column("imported_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit_code", "period", "procedure_code", name="uq_procedure_catalogue"),
    )
    op.create_index(
        "ix_procedure_catalogue_period", "procedure_catalogue", ["period_start", "unit_code"]
    )


def downgrade() -> None:
    op.drop_index("ix_procedure_catalogue_period", table_name="procedure_catalogue")
    op.drop_table("procedure_catalogue")
