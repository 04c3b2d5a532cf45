"""The hash-chained audit log on both real stores: append, verify, and tampering found."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from ioc.audit.log import append, verify
from ioc.store import Store

# Today's month: the migration partitions the log from the month it runs in, so a fixed
# date would land in the default partition once the calendar moved past it.
NOW = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=123456)
MONTH = f"audit_log_p{NOW:%Y%m}"
ROOT = Path(__file__).resolve().parents[2]


def fill(store: Store, n: int = 5) -> None:
    with store.session() as session:
        for i in range(n):
            append(
                session,
                "incident.acknowledge",
                actor=f"nguyễn.văn.{i}",
                target=f"incident:{i}",
                unit_code="672",
                client="10.0.0.1",
                detail={"note": "Đã tới hiện trường", "score": 0.75, "n": i},
                at=NOW + timedelta(seconds=i),
            )


def without_guard(store: Store, statement: str) -> None:
    """Tamper as a database superuser would: around the append-only triggers."""
    with store.engine.begin() as conn:
        if store.backend.name == "postgis":
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
            conn.execute(text(statement))
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))
            conn.execute(text(statement))


def test_chain_verifies_and_rows_are_append_only(store: Store) -> None:
    fill(store)
    with store.session() as session:
        verdict = verify(session)
    assert verdict.ok and verdict.checked == 5 and verdict.head_hash != "0" * 64
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'x' WHERE id = 2"))
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 2"))


def test_edited_row_is_found(store: Store) -> None:
    fill(store)
    without_guard(store, "UPDATE audit_log SET actor = 'kẻ.gian' WHERE id = 3")
    with store.session() as session:
        verdict = verify(session)
    assert not verdict.ok and verdict.bad_id == 3 and "edited" in verdict.reason
    assert verdict.checked == 2


def test_removed_row_and_cut_tail_are_found(store: Store) -> None:
    fill(store)
    without_guard(store, "DELETE FROM audit_log WHERE id = 2")
    with store.session() as session:
        verdict = verify(session)
    assert not verdict.ok and verdict.bad_id == 3 and "removed" in verdict.reason


def test_cut_tail_is_found(store: Store) -> None:
    fill(store)
    without_guard(store, "DELETE FROM audit_log WHERE id = 5")
    with store.session() as session:
        verdict = verify(session)
    assert not verdict.ok and "newest rows missing" in verdict.reason


def test_concurrent_appends_from_processes_keep_one_chain(postgis_store: Store) -> None:
    """Four processes append at once on PostGIS; the chain has no fork."""
    url = postgis_store.engine.url.render_as_string(hide_password=False)
    script = (
        "import sys\n"
        "from ioc.store import open_store\n"
        "from ioc.audit.log import append\n"
        "store = open_store(sys.argv[1])\n"
        "for i in range(40):\n"
        "    with store.session() as s:\n"
        "        append(s, 'test.append', actor=sys.argv[2], target=str(i))\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, url, f"p{n}"], cwd=ROOT) for n in range(4)
    ]
    assert all(proc.wait(timeout=60) == 0 for proc in procs)
    with postgis_store.session() as session:
        verdict = verify(session)
    assert verdict.ok and verdict.checked == 160


def test_audit_verify_command_exit_codes(store: Store, tmp_path: Path) -> None:
    fill(store, 3)
    url = store.engine.url.render_as_string(hide_password=False)
    env = {"IOC_DATABASE__URL": url, "IOC_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    run = [sys.executable, "-m", "ioc.cli", "audit", "verify"]
    good = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert good.returncode == 0 and "OK: 3" in good.stdout, good.stderr
    without_guard(store, "UPDATE audit_log SET detail = NULL WHERE id = 1")
    bad = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert bad.returncode == 1 and "row 1" in bad.stdout


def test_audit_log_is_partitioned_by_month_on_postgis(postgis_store: Store) -> None:
    """Rows land in monthly partitions; the guard still holds on every partition."""
    fill(postgis_store, 3)
    with postgis_store.engine.begin() as conn:
        kind = conn.execute(
            text("SELECT relkind FROM pg_class WHERE relname = 'audit_log'")
        ).scalar_one()
        where = conn.execute(text("SELECT DISTINCT tableoid::regclass::text FROM audit_log")).all()
    assert kind == "p"
    assert [row[0] for row in where] == [MONTH]
    with pytest.raises(Exception, match="append-only"), postgis_store.engine.begin() as conn:
        conn.execute(text(f"UPDATE {MONTH} SET actor = 'x' WHERE id = 1"))
