"""Field teams: a field officer may belong to a team of its unit (``ioc users team``).

An operator dispatches an incident to a chosen field officer or to a team; the team is a
plain name on the account (``auth_users.team``), so a team exists while somebody is in it.
Plain column on both backends.

Revision ID: 0019_teams
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_teams"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("auth_users") as batch:
        batch.add_column(sa.Column("team", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("auth_users") as batch:
        batch.drop_column("team")
