"""IOCs as data: names in English, owner, source and note on ``ioc_units``; an IOC's area
(``ioc_area_units``); the IOC an operator account or a kiosk token belongs to.

Plain ADD COLUMNs with constant defaults (SQLite takes them without a table copy) and one
new table, the same on both backends.

Written after 0022_camera_simulated; chained after 0026_violations when main (with the
digital board's 0024, the connectors' 0025 and the violation cases' 0026) was merged into
this branch, so the schema keeps one line of revisions.

Revision ID: 0023_iocs
Revises: 0026_violations
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023_iocs"
down_revision = "0026_violations"
branch_labels = None
depends_on = None

TEXT_COLUMNS = (
    ("name_en", sa.String(length=200)),
    ("owner", sa.String(length=200)),
    ("source", sa.Text()),
    ("note", sa.Text()),
)


def upgrade() -> None:
    for name, kind in TEXT_COLUMNS:
        op.add_column(
            "ioc_units", sa.Column(name, kind, nullable=False, server_default=sa.text("''"))
        )
    op.create_table(
        "ioc_area_units",
        sa.Column("ioc_code", sa.String(length=32), nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["ioc_code"], ["ioc_units.code"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("ioc_code", "unit_code"),
    )
    op.add_column("auth_users", sa.Column("ioc_code", sa.String(length=32), nullable=True))
    op.add_column("auth_kiosk_tokens", sa.Column("ioc_code", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("auth_kiosk_tokens") as batch:
        batch.drop_column("ioc_code")
    with op.batch_alter_table("auth_users") as batch:
        batch.drop_column("ioc_code")
    op.drop_table("ioc_area_units")
    with op.batch_alter_table("ioc_units") as batch:
        for name, _kind in reversed(TEXT_COLUMNS):
            batch.drop_column(name)
