"""Incidents worker: incident state columns, members, append-only audit trail, read
cursors, notification subscriptions and deliveries.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from ioc.store.types import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

INCIDENT_COLUMNS: tuple[tuple[str, Any, dict[str, Any]], ...] = (
    ("source_key", sa.String(120), {}),
    ("last_seen_at", UtcDateTime(), {}),
    ("snapshot", sa.Text(), {}),
    ("member_count", sa.Integer(), {"server_default": "0"}),
    ("assignee", sa.String(120), {}),
    ("acknowledged_at", UtcDateTime(), {}),
    ("closed_at", UtcDateTime(), {}),
    ("escalation_level", sa.Integer(), {"server_default": "0"}),
    ("next_alert_at", UtcDateTime(), {}),
)

SQLITE_GUARDS = (
    "CREATE TRIGGER incident_events_no_{op} BEFORE {OP} ON incident_events "
    "BEGIN SELECT RAISE(ABORT, 'incident_events is append-only'); END"
)
PG_GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION incident_events_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'incident_events is append-only'; END;
$$ LANGUAGE plpgsql
"""
PG_GUARD = (
    "CREATE TRIGGER incident_events_append_only BEFORE UPDATE OR DELETE ON incident_events "
    "FOR EACH ROW EXECUTE FUNCTION incident_events_append_only()"
)


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        for name, kind, extra in INCIDENT_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable="server_default" not in extra, **extra))
    op.create_index("ix_incidents_source_key", "incidents", ["source_key"])
    op.create_index("ix_incidents_next_alert_at", "incidents", ["next_alert_at"])
    _members_and_events()
    _notifications()
    _append_only_guard()


def _members_and_events() -> None:
    op.create_table(
        "incident_members",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incidents.id"), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("camera_id", sa.String(64), nullable=True),
        sa.Column("bbox", sa.JSON(), nullable=True),
        sa.Column("observed_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("source", "ref_id", name="uq_incident_members_ref"),
    )
    op.create_index("ix_incident_members_incident_id", "incident_members", ["incident_id"])
    op.create_index("ix_incident_members_camera", "incident_members", ["camera_id", "observed_at"])
    op.create_table(
        "incident_cursors",
        sa.Column("stream", sa.String(32), primary_key=True),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "incident_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incidents.id"), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=True),
        sa.Column("to_status", sa.String(20), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("photo", sa.Text(), nullable=True),
        sa.Column("client", sa.String(200), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
    )
    op.create_index("ix_incident_events_incident_id", "incident_events", ["incident_id"])
    op.create_index("ix_incident_events_at", "incident_events", ["at"])


def _notifications() -> None:
    op.create_table(
        "notification_subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("unit_code", sa.String(16), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("min_severity", sa.String(16), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index(
        "ix_notification_subscriptions_unit_code", "notification_subscriptions", ["unit_code"]
    )
    op.create_table(
        "notification_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incidents.id"), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
    )
    op.create_index(
        "ix_notification_deliveries_incident_id", "notification_deliveries", ["incident_id"]
    )
    op.create_index(
        "ix_notification_deliveries_status", "notification_deliveries", ["status", "created_at"]
    )


def _append_only_guard() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_GUARD_FUNCTION)
        op.execute(PG_GUARD)
        return
    for name in ("update", "delete"):
        op.execute(SQLITE_GUARDS.format(op=name, OP=name.upper()))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS incident_events_append_only ON incident_events")
        op.execute("DROP FUNCTION IF EXISTS incident_events_append_only()")
    for table in (
        "notification_deliveries",
        "notification_subscriptions",
        "incident_events",
        "incident_cursors",
        "incident_members",
    ):
        op.drop_table(table)
    op.drop_index("ix_incidents_next_alert_at", "incidents")
    op.drop_index("ix_incidents_source_key", "incidents")
    with op.batch_alter_table("incidents") as batch:
        for name, _kind, _extra in reversed(INCIDENT_COLUMNS):
            batch.drop_column(name)
