"""Detections and sensor readings partitioned by month on PostGIS; keyed on (msg_id, time).

PostgreSQL: each table is rebuilt as a natively RANGE-partitioned table on ``observed_at``
(one partition per month from the oldest row's month to three months ahead, plus a default
partition; ``ioc retention run`` keeps creating months ahead and drops expired ones). Rows,
ids and the id sequence are kept; the primary key becomes ``(id, observed_at)`` and the
unique ``msg_id`` becomes ``(msg_id, observed_at)``, because a partitioned table's unique
constraints must hold the partition key. A redelivered message carries the same
``observed_at``, so ingest stays exactly-once (see ``ioc.store.models.MESSAGE_KEY``).

SQLite has no partitioning: the tables stay plain and only the unique key changes, so both
backends store the same rows. The tables are locked while they are copied.

Revision ID: 0010
Revises: 0008
"""

from __future__ import annotations

from alembic import op

from ioc.store.partition_convert import partition_table, unpartition_table
from ioc.store.partitions import PartitionKey
from ioc.timeutil import utcnow

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None

# This migration's own list: tables added to the registry later get their own migration.
TABLES = {
    "detections": PartitionKey("observed_at", "month"),
    "sensor_readings": PartitionKey("observed_at", "month"),
}
AHEAD_MONTHS = 3
SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_N_name)s"}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        now = utcnow()
        for table, spec in TABLES.items():
            partition_table(bind, table, spec, now, ahead=AHEAD_MONTHS)
        return
    for table in TABLES:
        _sqlite_unique(table, old=["msg_id"], new=["msg_id", "observed_at"])


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table, spec in TABLES.items():
            unpartition_table(bind, table, spec.column)
        return
    for table in TABLES:
        _sqlite_unique(table, old=["msg_id", "observed_at"], new=["msg_id"])


def _sqlite_unique(table: str, old: list[str], new: list[str]) -> None:
    """Swap the table's unique constraint (SQLite rebuilds the table to do it)."""
    with op.batch_alter_table(table, recreate="always", naming_convention=SQLITE_NAMES) as batch:
        batch.drop_constraint(f"uq_{table}_{'_'.join(old)}", type_="unique")
        batch.create_unique_constraint(f"uq_{table}_{'_'.join(new)}", new)
