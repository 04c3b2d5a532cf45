"""When each sensor reading was stored (for lag and end-to-end latency).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ioc.store.types import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sensor_readings") as batch:
        batch.add_column(sa.Column("stored_at", UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sensor_readings") as batch:
        batch.drop_column("stored_at")
