"""Pull connectors: each source's cursor and health, the records taken in, dead letters.

``ioc connectors run`` polls LGSP-style REST sources. ``connector_sources`` keeps a source's
cursor (so a restart resumes), ``connector_records`` one row per (source, record id,
version) with a unique key (so a record is stored once), ``connector_dead_letters`` the
records that could not be mapped, with the reason. Plain tables on both backends.

Revision ID: 0025_connectors
Revises: 0024_digital_board
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ioc.store.types import UtcDateTime

revision = "0025_connectors"
down_revision = "0024_digital_board"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "connector_sources",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("cursor", sa.String(length=200), nullable=True),
        sa.Column("last_poll_at", UtcDateTime(), nullable=True),
        sa.Column("last_ok_at", UtcDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False, server_default=""),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("stored", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("dead_lettered", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "connector_records",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=200), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("taken_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "record_id", "version", name="uq_connector_records_key"),
    )
    op.create_table(
        "connector_dead_letters",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_connector_dead_letters_source", "connector_dead_letters", ["source", "received_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_connector_dead_letters_source", table_name="connector_dead_letters")
    op.drop_table("connector_dead_letters")
    op.drop_table("connector_records")
    op.drop_table("connector_sources")
