"""Signed checkpoints of the audit chain, kept outside the database.

Now and then the maintenance role writes the chain head (newest row id and hash) as one
line of JSON to an append-only file, with an HMAC-SHA256 under a key that is never in the
database; the line also goes to the log stream. ``ioc audit verify`` then checks the
database against every checkpoint: a checkpointed row must still be there with the same
hash. Deleting the newest rows and rewinding the chain head, or restoring an older copy of
the database, leaves a checkpoint pointing past the chain's end; rewriting history and
re-hashing changes a checkpointed hash. Neither can be hidden without the key. What is
appended after the last checkpoint is covered from the next one on.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from ioc.audit.log import HEAD_ID
from ioc.store.models_audit import AuditHead

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Checkpoint:
    """The chain head at one moment: row ``row_id`` had hash ``hash``."""

    row_id: int
    hash: str
    at: str

    def message(self) -> bytes:
        return f"ioc-audit-checkpoint\n{self.row_id}\n{self.hash}\n{self.at}".encode()

    def mac(self, key: bytes) -> str:
        return hmac.new(key, self.message(), hashlib.sha256).hexdigest()


@dataclass
class Anchor:
    """The checkpoints of a file that carry a valid signature, and what was wrong."""

    checkpoints: list[Checkpoint]
    problems: list[str]

    def hashes(self) -> dict[int, str]:
        return {c.row_id: c.hash for c in self.checkpoints}


def read_anchor(path: Path, key: bytes) -> Anchor:
    """Every checkpoint of ``path``; a line that is not one, or whose signature does not
    verify under ``key``, is a problem (a forged or damaged checkpoint)."""
    anchor = Anchor([], [])
    if not path.exists():
        return anchor
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            point = Checkpoint(int(data["id"]), str(data["hash"]), str(data["at"]))
            good = hmac.compare_digest(point.mac(key), str(data["mac"]))
        except (ValueError, KeyError, TypeError):
            anchor.problems.append(f"line {number}: not a checkpoint")
            continue
        if not good:
            anchor.problems.append(f"line {number}: signature does not verify (forged?)")
            continue
        anchor.checkpoints.append(point)
    return anchor


def current_head(session: Session) -> tuple[int, str] | None:
    head = session.get(AuditHead, HEAD_ID)
    return None if head is None or head.last_id == 0 else (head.last_id, head.last_hash)


def write_checkpoint(session: Session, path: Path, key: bytes, now: datetime) -> Checkpoint | None:
    """Append the chain head to ``path`` (and the log) unless the last checkpoint has it."""
    head = current_head(session)
    if head is None:
        return None
    known = read_anchor(path, key).checkpoints
    if known and (known[-1].row_id, known[-1].hash) == head:
        return None
    point = Checkpoint(head[0], head[1], now.isoformat())
    line = json.dumps(
        {"id": point.row_id, "hash": point.hash, "at": point.at, "mac": point.mac(key)},
        separators=(",", ":"),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as file:
        file.write(line + "\n")
        file.flush()
        os.fsync(file.fileno())
    log.info("audit checkpoint %s", line)
    return point
