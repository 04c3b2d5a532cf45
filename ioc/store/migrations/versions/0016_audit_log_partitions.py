"""Audit log partitioned by month on PostGIS, like detections and sensor readings.

PostgreSQL: ``audit_log`` is rebuilt RANGE-partitioned on ``at`` (the primary key becomes
``(id, at)``), and its append-only trigger is put back on the new parent, where it guards
every partition. Retention never drops audit months unless ``retention.audit_log_months``
says so. SQLite: nothing changes.

Revision ID: 0016
Revises: 0013, 0010
"""

from __future__ import annotations

from alembic import op

from ioc.store.partition_convert import partition_table, unpartition_table
from ioc.store.partitions import PartitionKey
from ioc.timeutil import utcnow

revision = "0016"
down_revision = ("0013", "0010")
branch_labels = None
depends_on = None

KEY = PartitionKey("at", "month")
GUARD = (
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
    partition_table(bind, "audit_log", KEY, utcnow(), ahead=3)
    op.execute(GUARD)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
    unpartition_table(bind, "audit_log", KEY.column)
    op.execute(GUARD)
