"""What the demo simulates says so: ``simulated`` on detections and incidents.

The demo province publishes detections for most of its cameras from a random generator;
only two run the real detection chain. A detection carries ``"simulated": true`` in its
message when a simulator made it, the flag is stored with the row, and an incident opened
from a simulated detection is simulated too, so the dashboard can mark it ("mô phỏng").
A plain column with a false default on both backends (on PostGIS the partitioned
``detections`` parent passes it to every partition).

Revision ID: 0020_simulated
Revises: 0019_teams
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_simulated"
down_revision = "0019_teams"
branch_labels = None
depends_on = None

TABLES = ("detections", "incidents")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("simulated", sa.Boolean(), nullable=False, server_default=sa.false())
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("simulated")
