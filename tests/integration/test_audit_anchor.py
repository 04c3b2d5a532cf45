"""The audit chain anchored outside the database, on both real stores: signed checkpoints
in a file, with a key the database never sees, catch what the chain alone cannot — the
newest rows deleted and the chain head rewound, or an older copy of the database restored
(issue #17: `ioc audit verify` passed both)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from ioc.audit.anchor import read_anchor, write_checkpoint
from ioc.audit.log import verify
from ioc.config import Settings
from ioc.maintenance.job import maintenance_task
from ioc.store import Store
from ioc.timeutil import utcnow
from testkit.helpers import wait_for
from tests.integration.test_audit_log import ROOT, fill, without_guard

KEY = b"khoa-neo-kiem-toan-0123456789"


def checkpoint(store: Store, path: Path, key: bytes = KEY) -> None:
    with store.session() as session:
        assert write_checkpoint(session, path, key, utcnow()) is not None


def truncate_to(store: Store, keep: int) -> None:
    """What someone with the database in hand does: cut the newest rows, rewind the head."""
    without_guard(store, f"DELETE FROM audit_log WHERE id > {keep}")
    with store.engine.begin() as conn:
        head_hash = conn.execute(text(f"SELECT hash FROM audit_log WHERE id = {keep}")).scalar()
        conn.execute(
            text("UPDATE audit_chain_head SET last_id = :i, last_hash = :h"),
            {"i": keep, "h": head_hash},
        )


def anchored_verdict(store: Store, path: Path) -> tuple[bool, str]:
    anchor = read_anchor(path, KEY)
    with store.session() as session:
        verdict = verify(session, anchors=anchor.hashes())
    return verdict.ok, verdict.reason


def test_truncation_passes_the_chain_but_not_the_anchor(store: Store, tmp_path: Path) -> None:
    anchor = tmp_path / "anchor.jsonl"
    fill(store, 3)
    checkpoint(store, anchor)
    fill(store, 3)
    checkpoint(store, anchor)
    assert anchored_verdict(store, anchor) == (True, "")
    truncate_to(store, 4)
    with store.session() as session:
        assert verify(session).ok  # the chain alone cannot tell
    ok, reason = anchored_verdict(store, anchor)
    assert not ok and "truncated or rolled back" in reason and "row 6" in reason


def test_rewritten_history_and_forged_checkpoints_are_found(store: Store, tmp_path: Path) -> None:
    anchor = tmp_path / "anchor.jsonl"
    fill(store, 3)
    checkpoint(store, anchor)
    truncate_to(store, 2)
    fill(store, 1)  # a new row 3, chained properly, in place of the checkpointed one
    ok, reason = anchored_verdict(store, anchor)
    assert not ok and "differs from its signed checkpoint" in reason
    with anchor.open("a", encoding="utf-8") as file:  # a checkpoint made without the key
        file.write('{"id":3,"hash":"' + "ab" * 32 + '","at":"x","mac":"' + "00" * 32 + '"}\n')
    assert read_anchor(anchor, KEY).problems == ["line 2: signature does not verify (forged?)"]
    assert read_anchor(anchor, b"another-key-0123456789").checkpoints == []


def test_maintenance_writes_checkpoints_and_verify_uses_them(store: Store, tmp_path: Path) -> None:
    key_file = tmp_path / "anchor.key"
    key_file.write_text(KEY.decode() + "\n", encoding="utf-8")
    url = store.engine.url.render_as_string(hide_password=False)
    settings = Settings.model_validate(
        {
            "var_dir": str(tmp_path),
            "database": {"url": url},
            "audit": {"anchor_key_file": str(key_file), "checkpoint_minutes": 0.01},
        }
    )
    anchor = settings.audit.anchor_path(tmp_path)
    fill(store, 4)
    stop = threading.Event()
    thread = threading.Thread(target=maintenance_task(settings, store), args=(stop,))
    thread.start()
    try:
        assert wait_for(lambda: 4 in read_anchor(anchor, KEY).hashes(), timeout=10)
    finally:
        stop.set()
        thread.join(10)
    assert anchor.stat().st_mode & 0o077 == 0  # only the service reads it
    env = {
        "IOC_DATABASE__URL": url,
        "IOC_VAR_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "IOC_AUDIT__ANCHOR_KEY_FILE": str(key_file),
    }
    run = [sys.executable, "-m", "ioc.cli", "audit", "verify"]
    good = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert good.returncode == 0 and "OK: 4" in good.stdout, good.stderr
    truncate_to(store, 2)
    bad = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert bad.returncode == 1 and "truncated or rolled back" in bad.stdout, bad.stdout


def test_a_short_key_is_refused() -> None:
    settings = Settings.model_validate({"audit": {"anchor_key": "short"}})
    with pytest.raises(ValueError, match="16 bytes"):
        settings.audit.anchor_secret()
