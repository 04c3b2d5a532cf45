"""Indexes for the control-room pages' "what changed since" looks.

Every page tick asks ``max(updated_at)`` of incidents and citizen reports (per unit on the
unit pages) and reads open incidents newest first; without these indexes each look is a
scan of a province-year of rows.

Revision ID: 0008
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_citizen_reports_updated_at", "citizen_reports", ["updated_at"]),
    ("ix_citizen_reports_unit_updated", "citizen_reports", ["unit_code", "updated_at"]),
    ("ix_citizen_reports_lon_lat", "citizen_reports", ["lon", "lat"]),
    ("ix_incidents_updated_at", "incidents", ["updated_at"]),
    ("ix_incidents_unit_updated", "incidents", ["unit_code", "updated_at"]),
    ("ix_detections_camera_id_id", "detections", ["camera_id", "id"]),
    ("ix_sensor_readings_station_id_id", "sensor_readings", ["station_id", "id"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
