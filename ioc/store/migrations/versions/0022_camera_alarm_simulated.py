"""Whether a camera's newest detection was simulated, so its alarm says "mô phỏng".

Migration 0020_simulated marks simulated detections and incidents; the camera alarms of the
overview and the walls read the camera row, not its detections, so the row carries the mark
of its newest detection too. A plain column with a false default on both backends.

Revision ID: 0022_camera_simulated
Revises: 0020_simulated
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022_camera_simulated"
down_revision = "0020_simulated"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (SQLite takes it with a constant default); a batch copy of
    # ``cameras`` would have to drop a table that detections and incidents point at.
    op.add_column(
        "cameras",
        sa.Column(
            "last_detection_simulated", sa.Boolean(), nullable=False, server_default=sa.false()
        ),
    )


def downgrade() -> None:
    with op.batch_alter_table("cameras") as batch:
        batch.drop_column("last_detection_simulated")
