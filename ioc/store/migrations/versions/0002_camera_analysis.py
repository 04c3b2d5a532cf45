"""Camera analysis settings (fps, masks) and a clip reference on detections.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cameras") as batch:
        batch.add_column(sa.Column("analysis_fps", sa.Float(), nullable=True))
        batch.add_column(sa.Column("masks", sa.JSON(), nullable=True))
    with op.batch_alter_table("detections") as batch:
        batch.add_column(sa.Column("clip", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("detections") as batch:
        batch.drop_column("clip")
    with op.batch_alter_table("cameras") as batch:
        batch.drop_column("masks")
        batch.drop_column("analysis_fps")
