"""Append to and verify the audit log in the store.

Appends from several processes queue on the one ``audit_chain_head`` row: the first thing
an append does is write that row (a row lock on PostgreSQL, the write lock on SQLite), so
two appends never chain onto the same predecessor. Call :func:`append` inside the same
transaction as the change it records: both land, or neither.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ioc.audit.chain import GENESIS, canonical, link
from ioc.store.models_audit import AuditEntry, AuditHead
from ioc.timeutil import utcnow

HEAD_ID = 1


def append(
    session: Session,
    action: str,
    *,
    actor: str,
    target: str = "",
    unit_code: str | None = None,
    client: str = "",
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Record one event at the end of the chain (in the caller's transaction)."""
    head = _locked_head(session)
    entry = AuditEntry(
        id=head.last_id + 1,  # appends queue on the head, so ids are gapless and ordered
        at=at or utcnow(),
        actor=actor[:120],
        action=action[:64],
        target=target[:200],
        unit_code=unit_code,
        client=client[:200],
        detail=detail,
        prev_hash=head.last_hash,
        hash="",
    )
    entry.hash = link(entry.prev_hash, _content(entry))
    session.add(entry)
    session.flush()
    head.last_id = entry.id
    head.last_hash = entry.hash
    return entry


def _locked_head(session: Session) -> AuditHead:
    lock = update(AuditHead).where(AuditHead.id == HEAD_ID).values(last_id=AuditHead.last_id)
    if not getattr(session.execute(lock), "rowcount", 0):
        # An empty log: make the head, racing other first appends harmlessly, then lock it.
        dialect = session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        session.execute(
            insert(AuditHead)
            .values(id=HEAD_ID, last_id=0, last_hash=GENESIS)
            .on_conflict_do_nothing(index_elements=["id"])
        )
        session.execute(lock)
    head = session.get(AuditHead, HEAD_ID, populate_existing=True)
    assert head is not None
    return head


def _content(entry: AuditEntry) -> bytes:
    return canonical(
        entry.id,
        entry.at,
        actor=entry.actor,
        action=entry.action,
        target=entry.target,
        unit_code=entry.unit_code,
        client=entry.client,
        detail=entry.detail,
    )


@dataclass(frozen=True)
class Verdict:
    """What :func:`verify` found: ``ok`` or the first row where the chain breaks."""

    ok: bool
    checked: int
    bad_id: int | None = None
    reason: str = ""
    head_hash: str = GENESIS


def _rows(session: Session, batch: int) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.id > last).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id
        session.expunge_all()


def verify(session: Session, batch: int = 5000, progress: Any = None) -> Verdict:
    """Walk the chain from the first row; stop at the first row that does not fit."""
    prev = GENESIS
    checked = 0
    for entry in _rows(session, batch):
        if entry.prev_hash != prev:
            return Verdict(
                False, checked, entry.id, "previous-hash mismatch (row removed or moved)"
            )
        if link(prev, _content(entry)) != entry.hash:
            return Verdict(False, checked, entry.id, "content does not match its hash (edited)")
        prev = entry.hash
        checked += 1
        if progress is not None and checked % batch == 0:
            progress(checked)
    head = session.get(AuditHead, HEAD_ID)
    if head is not None and (head.last_hash != prev):
        return Verdict(False, checked, head.last_id, "newest rows missing (chain head ahead)")
    if head is None and checked:
        return Verdict(False, checked, None, "chain head missing")
    return Verdict(True, checked, head_hash=prev)


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)
