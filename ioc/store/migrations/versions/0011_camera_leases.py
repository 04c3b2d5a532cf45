"""Camera workers' leases: which worker analyses which camera, and which workers are alive
(camera_worker.assignment = "lease").

Revision ID: 0011
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ioc.store.types import UtcDateTime

revision = "0011"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "camera_leases",
        sa.Column("camera_id", sa.String(length=64), nullable=False),
        sa.Column("worker_id", sa.String(length=120), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["camera_id"], ["cameras.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("camera_id"),
    )
    op.create_index("ix_camera_leases_worker", "camera_leases", ["worker_id"])
    op.create_table(
        "camera_workers",
        sa.Column("worker_id", sa.String(length=120), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("worker_id"),
    )


def downgrade() -> None:
    op.drop_table("camera_workers")
    op.drop_index("ix_camera_leases_worker", table_name="camera_leases")
    op.drop_table("camera_leases")
