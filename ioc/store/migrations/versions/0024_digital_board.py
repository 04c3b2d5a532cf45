"""The digital-transformation board: indicators as data, values with their public source.

``digital_indicators`` holds each indicator (pillar, names, definition, unit of measure,
period kind, target and the document that set it); ``digital_sources`` the public sources
(title, outlet, date, URL); ``digital_values`` the values, province-wide or per unit, each
pointing at its source (NOT NULL: a value without a source cannot be stored).

It supersedes ``indicator_values`` (schema 0005), whose rows carried a free-text note
instead of a source; that table is dropped: its rows cannot be moved without inventing
a source for them. Plain tables on both backends.

Revision ID: 0024_digital_board
Revises: 0022_camera_simulated, 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ioc.store.types import UtcDateTime

revision = "0024_digital_board"
# Also after 0005, which created ``indicator_values`` (dropped here) on another branch of
# the history: on a new database the branches run in any order, so this joins them.
down_revision = ("0022_camera_simulated", "0005")
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "digital_indicators",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("pillar", sa.String(length=16), nullable=False),
        sa.Column("name_vi", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("definition_vi", sa.Text(), nullable=False),
        sa.Column("definition_en", sa.Text(), nullable=False),
        sa.Column("measure_vi", sa.String(length=40), nullable=False),
        sa.Column("measure_en", sa.String(length=40), nullable=False),
        sa.Column("period_kind", sa.String(length=8), nullable=False),
        sa.Column("lower_is_better", sa.Boolean(), nullable=False),
        sa.Column("target_value", sa.Float(), nullable=True),
        sa.Column("target_period", sa.String(length=10), nullable=True),
        sa.Column("target_source_title", sa.String(length=500), nullable=True),
        sa.Column("target_source_publisher", sa.String(length=200), nullable=True),
        sa.Column("target_source_date", sa.String(length=10), nullable=True),
        sa.Column("target_source_url", sa.String(length=1000), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "digital_sources",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("publisher", sa.String(length=200), nullable=False),
        sa.Column("published", sa.String(length=10), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("title", "publisher", "published", name="uq_digital_sources_key"),
    )
    op.create_table(
        "digital_values",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("indicator_code", sa.String(length=64), nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=True),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["indicator_code"], ["digital_indicators.code"]),
        sa.ForeignKeyConstraint(["source_id"], ["digital_sources.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("indicator_code", "scope", "period", name="uq_digital_values_key"),
    )
    op.create_index("ix_digital_values_indicator", "digital_values", ["indicator_code", "period"])
    op.drop_index("ix_indicator_values_unit", table_name="indicator_values")
    op.drop_table("indicator_values")


def downgrade() -> None:
    op.create_table(
        "indicator_values",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("indicator", "unit_code", "period", name="uq_indicator_values_key"),
    )
    op.create_index(
        "ix_indicator_values_unit", "indicator_values", ["unit_code", "indicator", "period_start"]
    )
    op.drop_index("ix_digital_values_indicator", table_name="digital_values")
    op.drop_table("digital_values")
    op.drop_table("digital_sources")
    op.drop_table("digital_indicators")
