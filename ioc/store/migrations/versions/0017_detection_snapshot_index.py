"""A partial index of the detections that carry a snapshot; one head again.

A unit page shows each of its cameras' newest snapshot: one ``ORDER BY id DESC LIMIT 1``
per camera over its detections that have a picture. With only the ``(camera_id, id)``
index, a camera whose recent detections have no snapshot made PostgreSQL walk all of them
(hundreds of heap pages per camera, 0.26 s for one unit page on a province-year in
``bench/dashboard.py``); this index holds only the rows with a picture, so the walk stops
at its first entry. On the partitioned table it is created on every month's partition,
and months made later get it too.

This revision also merges the three heads (0011 leases, 0012 aggregates, 0016 audit
partitions) so that ``alembic heads`` shows one.

Revision ID: 0017
Revises: 0016, 0011, 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = ("0016", "0011", "0012")
branch_labels = None
depends_on = None

NAME = "ix_detections_camera_snapshot"
WITH_SNAPSHOT = sa.text("snapshot IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        NAME,
        "detections",
        ["camera_id", "id"],
        postgresql_where=WITH_SNAPSHOT,
        sqlite_where=WITH_SNAPSHOT,
    )


def downgrade() -> None:
    op.drop_index(NAME, table_name="detections")
