"""Initial schema: units, IOC units, cameras, detections, readings, reports, dossiers,
incidents and dead letters; on PostGIS the extension and GIST indexes too.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 16:46:02.635760
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ioc.store.types import Geom, UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


SPATIAL = {
    "admin_units": "geom",
    "cameras": "geom",
    "citizen_reports": "geom",
    "incidents": "geom",
}


def upgrade() -> None:
    postgis = op.get_bind().dialect.name == "postgresql"
    if postgis:
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table(
        "admin_units",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("unit_type", sa.String(length=40), nullable=False),
        sa.Column("parent_code", sa.String(length=16), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("center_lon", sa.Float(), nullable=False),
        sa.Column("center_lat", sa.Float(), nullable=False),
        sa.Column("min_lon", sa.Float(), nullable=False),
        sa.Column("min_lat", sa.Float(), nullable=False),
        sa.Column("max_lon", sa.Float(), nullable=False),
        sa.Column("max_lat", sa.Float(), nullable=False),
        sa.Column("approximate", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("geom", Geom("MULTIPOLYGON"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code", "valid_from", name="uq_admin_units_code_valid_from"),
    )
    op.create_index(op.f("ix_admin_units_code"), "admin_units", ["code"], unique=False)
    op.create_index(
        "ix_admin_units_validity", "admin_units", ["valid_from", "valid_to"], unique=False
    )
    op.create_table(
        "cameras",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=True),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("geom", Geom("POINT"), nullable=False),
        sa.Column("height_m", sa.Float(), nullable=True),
        sa.Column("direction_deg", sa.Float(), nullable=True),
        sa.Column("fov_deg", sa.Float(), nullable=True),
        sa.Column("stream_url", sa.Text(), nullable=False),
        sa.Column("last_heartbeat_at", UtcDateTime(), nullable=True),
        sa.Column("last_detection_at", UtcDateTime(), nullable=True),
        sa.Column("health", sa.String(length=16), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_cameras_unit_code"), "cameras", ["unit_code"], unique=False)
    op.create_index(op.f("ix_cameras_updated_at"), "cameras", ["updated_at"], unique=False)
    op.create_table(
        "citizen_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("service_code", sa.String(length=40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("geom", Geom("POINT"), nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("external_id"),
    )
    op.create_index(
        op.f("ix_citizen_reports_created_at"), "citizen_reports", ["created_at"], unique=False
    )
    op.create_index(
        op.f("ix_citizen_reports_service_code"), "citizen_reports", ["service_code"], unique=False
    )
    op.create_index(op.f("ix_citizen_reports_status"), "citizen_reports", ["status"], unique=False)
    op.create_index(
        op.f("ix_citizen_reports_unit_code"), "citizen_reports", ["unit_code"], unique=False
    )
    op.create_table(
        "dead_letters",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("payload_size", sa.Integer(), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_dead_letters_received_at"), "dead_letters", ["received_at"], unique=False
    )
    op.create_table(
        "dossiers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dossier_id", sa.String(length=64), nullable=False),
        sa.Column("procedure_code", sa.String(length=64), nullable=False),
        sa.Column("procedure_level", sa.Integer(), nullable=True),
        sa.Column("unit_code", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.Column("due_at", UtcDateTime(), nullable=True),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.Column("paid_online", sa.Boolean(), nullable=False),
        sa.Column("digitised", sa.Boolean(), nullable=False),
        sa.Column("e_result", sa.Boolean(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dossier_id"),
    )
    op.create_index(op.f("ix_dossiers_received_at"), "dossiers", ["received_at"], unique=False)
    op.create_index(op.f("ix_dossiers_unit_code"), "dossiers", ["unit_code"], unique=False)
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=True),
        sa.Column("camera_id", sa.String(length=64), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("geom", Geom("POINT"), nullable=True),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_incidents_opened_at"), "incidents", ["opened_at"], unique=False)
    op.create_index(op.f("ix_incidents_status"), "incidents", ["status"], unique=False)
    op.create_index(op.f("ix_incidents_unit_code"), "incidents", ["unit_code"], unique=False)
    op.create_table(
        "ioc_units",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("admin_unit_code", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "sensor_readings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("msg_id", sa.String(length=80), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("observed_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("msg_id"),
    )
    op.create_index(
        op.f("ix_sensor_readings_observed_at"), "sensor_readings", ["observed_at"], unique=False
    )
    op.create_index(
        op.f("ix_sensor_readings_station_id"), "sensor_readings", ["station_id"], unique=False
    )
    op.create_table(
        "detections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("msg_id", sa.String(length=64), nullable=False),
        sa.Column("camera_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("bbox", sa.JSON(), nullable=True),
        sa.Column("snapshot", sa.Text(), nullable=True),
        sa.Column("observed_at", UtcDateTime(), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["camera_id"],
            ["cameras.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("msg_id"),
    )
    op.create_index(op.f("ix_detections_camera_id"), "detections", ["camera_id"], unique=False)
    op.create_index(op.f("ix_detections_observed_at"), "detections", ["observed_at"], unique=False)
    if postgis:
        for table, column in SPATIAL.items():
            op.create_index(f"ix_{table}_{column}_gist", table, [column], postgresql_using="gist")


def downgrade() -> None:
    op.drop_index(op.f("ix_detections_observed_at"), table_name="detections")
    op.drop_index(op.f("ix_detections_camera_id"), table_name="detections")
    op.drop_table("detections")
    op.drop_index(op.f("ix_sensor_readings_station_id"), table_name="sensor_readings")
    op.drop_index(op.f("ix_sensor_readings_observed_at"), table_name="sensor_readings")
    op.drop_table("sensor_readings")
    op.drop_table("ioc_units")
    op.drop_index(op.f("ix_incidents_unit_code"), table_name="incidents")
    op.drop_index(op.f("ix_incidents_status"), table_name="incidents")
    op.drop_index(op.f("ix_incidents_opened_at"), table_name="incidents")
    op.drop_table("incidents")
    op.drop_index(op.f("ix_dossiers_unit_code"), table_name="dossiers")
    op.drop_index(op.f("ix_dossiers_received_at"), table_name="dossiers")
    op.drop_table("dossiers")
    op.drop_index(op.f("ix_dead_letters_received_at"), table_name="dead_letters")
    op.drop_table("dead_letters")
    op.drop_index(op.f("ix_citizen_reports_unit_code"), table_name="citizen_reports")
    op.drop_index(op.f("ix_citizen_reports_status"), table_name="citizen_reports")
    op.drop_index(op.f("ix_citizen_reports_service_code"), table_name="citizen_reports")
    op.drop_index(op.f("ix_citizen_reports_created_at"), table_name="citizen_reports")
    op.drop_table("citizen_reports")
    op.drop_index(op.f("ix_cameras_updated_at"), table_name="cameras")
    op.drop_index(op.f("ix_cameras_unit_code"), table_name="cameras")
    op.drop_table("cameras")
    op.drop_index("ix_admin_units_validity", table_name="admin_units")
    op.drop_index(op.f("ix_admin_units_code"), table_name="admin_units")
    op.drop_table("admin_units")
