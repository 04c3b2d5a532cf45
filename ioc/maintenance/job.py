"""One retention run — partitions ahead, expired rows, old files — and the role repeating it."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from ioc.audit.anchor import Checkpoint, write_checkpoint
from ioc.auth.sessions import purge_expired
from ioc.config import Settings
from ioc.incidents.lifecycle import OPEN_STATUSES
from ioc.maintenance.files import FileSweep, sweep
from ioc.maintenance.rows import RowResult, expire_rows
from ioc.runtime import Task
from ioc.store import Store
from ioc.store.cameras import SNAPSHOTS
from ioc.store.models import Detection, Incident
from ioc.store.models_incidents import IncidentMember
from ioc.timeutil import utcnow

log = logging.getLogger(__name__)
Say = Callable[[str], None]


@dataclass
class RetentionReport:
    rows: RowResult
    files: FileSweep
    sessions: int = 0


def strip_of(snapshot: str) -> str:
    """The frame strip the camera worker writes beside a snapshot (``x.jpg`` → ``x-strip.jpg``)."""
    path = PurePosixPath(snapshot)
    return str(path.with_name(f"{path.stem}-strip{path.suffix}"))


def open_incident_files(session: Session) -> set[str]:
    """Snapshots and strips (relative to ``var_dir``) that open incidents still show."""
    is_open = Incident.status.in_(OPEN_STATUSES)
    shown = set(session.scalars(select(Incident.snapshot).where(is_open)).all())
    members = session.execute(
        select(Detection.snapshot, Detection.clip)
        .join(
            IncidentMember,
            and_(
                IncidentMember.ref_id == Detection.id,
                IncidentMember.observed_at == Detection.observed_at,
            ),
        )
        .join(Incident, Incident.id == IncidentMember.incident_id)
        .where(IncidentMember.source == "detection", is_open)
    ).all()
    for snapshot, clip in members:
        shown |= {snapshot, clip}
    paths = {p for p in shown if p}
    return paths | {strip_of(p) for p in paths}


def snapshot_roots(settings: Settings) -> list[Path]:
    """Folders swept: ``<var_dir>/snapshots`` and the camera worker's, if it differs."""
    var = settings.var_dir.resolve()
    roots = []
    for name in dict.fromkeys([SNAPSHOTS, settings.camera_worker.snapshots_subdir]):
        root = (var / name).resolve()
        if root != var and root.is_relative_to(var):
            roots.append(root)
    return roots


def sweep_files(
    settings: Settings, keep: set[str], now: datetime, dry_run: bool, say: Say
) -> FileSweep:
    cfg = settings.retention
    total = FileSweep()
    var = settings.var_dir.resolve()
    for root in snapshot_roots(settings):
        prefix = root.relative_to(var).as_posix() + "/"
        inside = {p.removeprefix(prefix) for p in keep if p.startswith(prefix)}
        result = sweep(
            root,
            now,
            snapshot_days=cfg.snapshot_days,
            clip_days=cfg.clip_days,
            keep=inside,
            dry_run=dry_run,
            progress=lambda r: say(f"  … {r.scanned} tệp / files"),
        )
        for name in ("scanned", "deleted", "freed_bytes", "kept_open"):
            setattr(total, name, getattr(total, name) + getattr(result, name))
    return total


def purge_sessions(
    settings: Settings, store: Store, now: datetime, dry_run: bool = False, say: Say = print
) -> int:
    """Delete sign-in sessions that have ended (absolute lifetime or idle period past)."""
    with store.session() as session:
        count = purge_expired(session, now, settings.auth.lifetimes().idle, dry_run)
    verb = "sẽ xoá / would delete" if dry_run else "đã xoá / deleted"
    say(f"Phiên đăng nhập hết hạn / expired sessions: {verb} {count}")
    return count


def run_retention(
    settings: Settings, store: Store, now: datetime, dry_run: bool = False, say: Say = print
) -> RetentionReport:
    """Apply the retention settings once (``dry_run``: report what would go, change nothing)."""
    if dry_run:
        say("Chạy thử, không thay đổi gì / dry run, nothing is changed")
    rows = expire_rows(store, settings.retention, now, dry_run, say)
    with store.session() as session:
        keep = open_incident_files(session)
    files = sweep_files(settings, keep, now, dry_run, say)
    verb = "sẽ xoá / would delete" if dry_run else "đã xoá / deleted"
    say(
        f"Tệp ảnh / snapshot files: {verb} {files.deleted} "
        f"({files.freed_bytes / 1e6:.1f} MB) trên / of {files.scanned}, "
        f"giữ vì sự cố đang mở / kept for open incidents {files.kept_open}"
    )
    sessions = purge_sessions(settings, store, now, dry_run, say)
    return RetentionReport(rows, files, sessions)


def maintenance_run(settings: Settings, store: Store, now: datetime) -> None:
    """One scheduled run: retention when it is turned on, expired sessions always."""
    if settings.retention.enabled:
        run_retention(settings, store, now, say=log.info)
    else:
        purge_sessions(settings, store, now, say=log.info)


def checkpoint_audit(settings: Settings, store: Store, now: datetime) -> Checkpoint | None:
    """Write a signed checkpoint of the audit chain (when a key is configured)."""
    key = settings.audit.anchor_secret()
    if key is None:
        return None
    with store.session() as session:
        return write_checkpoint(session, settings.audit.anchor_path(settings.var_dir), key, now)


def maintenance_task(settings: Settings, store: Store) -> Task:
    """Expired sessions and retention at start, then every ``retention.interval_h`` hours;
    a signed audit checkpoint every ``audit.checkpoint_minutes``; until stopped."""

    def run(stop: threading.Event) -> None:
        if not settings.retention.enabled:
            log.info("retention is turned off (retention.enabled): only sessions are purged")
        if settings.audit.anchor_secret() is None:
            log.warning("no audit.anchor_key: the audit log is not anchored outside the database")
        retention_every = settings.retention.interval_h * 3600
        checkpoint_every = settings.audit.checkpoint_minutes * 60
        next_retention = time.monotonic()
        while True:
            if time.monotonic() >= next_retention:
                _guarded(lambda: maintenance_run(settings, store, utcnow()), "maintenance run")
                next_retention = time.monotonic() + retention_every
            _guarded(lambda: checkpoint_audit(settings, store, utcnow()), "audit checkpoint")
            wait = min(checkpoint_every, max(0.0, next_retention - time.monotonic()))
            if stop.wait(wait):
                return

    return run


def _guarded(step: Callable[[], object], name: str) -> None:
    """Run one step; the next may succeed, so a failure never takes the process down."""
    try:
        step()
    except Exception:
        log.exception("%s failed", name)
