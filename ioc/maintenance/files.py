"""Old snapshot and clip files out of ``<var_dir>/snapshots``.

A file goes when its modification time is older than ``retention.snapshot_days`` (clips —
the ``-strip.jpg`` frame strips and any video — ``retention.clip_days``). The folder is
walked with :func:`os.fwalk` without following symbolic links: a link is neither followed
nor deleted, so nothing outside the folder can be reached, even if a link is swapped in
while the sweep runs (every stat and unlink is relative to an open directory). Files
that open incidents still show are kept, and so is ``field/`` — the photos field officers
attach to an incident's audit trail, which is kept for as long as the audit trail.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath

CLIP_SUFFIXES = frozenset({".mp4", ".webm", ".mkv", ".avi", ".mov"})
KEPT_FOLDERS = frozenset({"field"})
PROGRESS_EVERY = 5000


@dataclass
class FileSweep:
    """Counts of one sweep (``deleted`` and ``freed_bytes``: would be, when dry)."""

    scanned: int = 0
    deleted: int = 0
    freed_bytes: int = 0
    kept_open: int = 0


def is_clip(name: str) -> bool:
    """A clip: the camera worker's frame strip (``…-strip.jpg``) or a video file."""
    lower = name.lower()
    return lower.endswith("-strip.jpg") or PurePosixPath(lower).suffix in CLIP_SUFFIXES


def sweep(
    root: Path,
    now: datetime,
    *,
    snapshot_days: int,
    clip_days: int,
    keep: Collection[str] = (),
    dry_run: bool = False,
    progress: Callable[[FileSweep], None] | None = None,
) -> FileSweep:
    """Delete expired files under ``root``; ``keep`` holds paths relative to ``root``."""
    result = FileSweep()
    if not root.is_dir() or (snapshot_days <= 0 and clip_days <= 0):
        return result
    limits = {
        False: (now - timedelta(days=snapshot_days)).timestamp() if snapshot_days > 0 else None,
        True: (now - timedelta(days=clip_days)).timestamp() if clip_days > 0 else None,
    }
    top = root.resolve()
    for folder, dirs, names, fd in os.fwalk(top, follow_symlinks=False):
        relative = PurePosixPath(Path(folder).relative_to(top).as_posix())
        if str(relative) == ".":
            dirs[:] = [d for d in dirs if d not in KEPT_FOLDERS]
        for name in names:
            _one(
                fd, name, relative / name, limits=limits, keep=keep, dry_run=dry_run, result=result
            )
            if progress is not None and result.scanned % PROGRESS_EVERY == 0:
                progress(result)
    return result


def _one(
    fd: int,
    name: str,
    relative: PurePosixPath,
    *,
    limits: dict[bool, float | None],
    keep: Collection[str],
    dry_run: bool,
    result: FileSweep,
) -> None:
    try:
        info = os.stat(name, dir_fd=fd, follow_symlinks=False)
    except FileNotFoundError:  # gone since the folder was listed
        return
    if not stat.S_ISREG(info.st_mode):
        return  # symbolic links and anything else that is not a plain file stay
    result.scanned += 1
    limit = limits[is_clip(name)]
    if limit is None or info.st_mtime >= limit:
        return
    if str(relative) in keep:
        result.kept_open += 1
        return
    if not dry_run:
        try:
            os.unlink(name, dir_fd=fd)
        except FileNotFoundError:
            return
    result.deleted += 1
    result.freed_bytes += info.st_size
