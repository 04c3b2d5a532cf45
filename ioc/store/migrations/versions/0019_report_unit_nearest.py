"""Whether a report's unit was the nearest one rather than one containing its point.

A citizen standing between two approximate cells, or a few kilometres outside the
approximate outline of the province, is no longer refused: the report goes to the nearest
unit and this flag tells the operator so (docs/geography.md).

Revision ID: 0019
Revises: 0018_catalogue
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018_catalogue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("citizen_reports") as batch:
        batch.add_column(
            sa.Column("unit_nearest", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("citizen_reports") as batch:
        batch.drop_column("unit_nearest")
