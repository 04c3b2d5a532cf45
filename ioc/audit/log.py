"""Append to and verify the audit log in the store.

Appends from several processes queue on the one ``audit_chain_head`` row: the first thing
an append does is write that row (a row lock on PostgreSQL, the write lock on SQLite), so
two appends never chain onto the same predecessor. Call :func:`append` inside the same
transaction as the change it records: both land, or neither.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ioc.audit.chain import GENESIS, canonical, link
from ioc.store.models_audit import AuditEntry, AuditHead
from ioc.timeutil import utcnow

HEAD_ID = 1


@dataclass(frozen=True)
class Event:
    """One event for :func:`append_many` (the arguments of :func:`append`)."""

    action: str
    actor: str
    target: str = ""
    unit_code: str | None = None
    client: str = ""
    detail: dict[str, Any] | None = None
    at: datetime | None = None


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
    event = Event(action, actor, target, unit_code, client, detail, at)
    return append_many(session, [event])[0]


def append_many(session: Session, events: Sequence[Event]) -> list[AuditEntry]:
    """Record ``events`` in order at the end of the chain: one head lock, one flush.

    For a batch writer: the rows cost one INSERT round trip together, and the head is
    locked once, late in the caller's transaction, rather than once per row.
    """
    if not events:
        return []
    head = _locked_head(session)
    entries = _chained(head, events)
    session.add_all(entries)
    session.flush()
    head.last_id, head.last_hash = entries[-1].id, entries[-1].hash
    return entries


def copy_many(connection: Connection, events: Sequence[Event]) -> int:
    """:func:`append_many` for a bulk writer on a Core connection (in its transaction):
    the rows go in by COPY on PostgreSQL, one executemany elsewhere; returns how many."""
    if not events:
        return 0
    with Session(bind=connection) as session:
        head = _locked_head(session)
        entries = _chained(head, events)
        rows = [{c: getattr(e, c) for c in AUDIT_COLUMNS} for e in entries]
        if connection.dialect.name == "postgresql":
            raw = connection.connection.driver_connection
            assert raw is not None
            sql = f"COPY audit_log ({', '.join(AUDIT_COLUMNS)}) FROM STDIN"
            with raw.cursor() as cursor, cursor.copy(sql) as copy:
                for row in rows:
                    detail = row["detail"]
                    row["detail"] = None if detail is None else json.dumps(detail)
                    copy.write_row([row[c] for c in AUDIT_COLUMNS])
        else:
            session.execute(insert(AuditEntry), rows)
        head.last_id, head.last_hash = entries[-1].id, entries[-1].hash
        session.flush()
    return len(entries)


AUDIT_COLUMNS = (
    "id",
    "at",
    "actor",
    "action",
    "target",
    "unit_code",
    "client",
    "detail",
    "prev_hash",
    "hash",
)


def _chained(head: AuditHead, events: Sequence[Event]) -> list[AuditEntry]:
    """``events`` as rows chained onto ``head`` (not added to any session)."""
    entries: list[AuditEntry] = []
    last_id, last_hash, now = head.last_id, head.last_hash, utcnow()
    for event in events:
        entry = AuditEntry(
            id=last_id + 1,  # appends queue on the head, so ids are gapless and ordered
            at=event.at or now,
            actor=event.actor[:120],
            action=event.action[:64],
            target=event.target[:200],
            unit_code=event.unit_code,
            client=event.client[:200],
            detail=event.detail,
            prev_hash=last_hash,
            hash="",
        )
        entry.hash = link(entry.prev_hash, _content(entry))
        last_id, last_hash = entry.id, entry.hash
        entries.append(entry)
    return entries


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


def verify(
    session: Session,
    batch: int = 5000,
    progress: Any = None,
    anchors: Mapping[int, str] | None = None,
) -> Verdict:
    """Walk the chain from the first row; stop at the first row that does not fit.

    ``anchors`` (row id → hash, from signed checkpoints kept outside the database): each
    such row must be there with that hash, so truncation and rollback show."""
    anchors = anchors or {}
    prev, checked, last_id = GENESIS, 0, 0
    for entry in _rows(session, batch):
        broken = _misfit(entry, prev, anchors)
        if broken:
            return Verdict(False, checked, entry.id, broken)
        prev, last_id = entry.hash, entry.id
        checked += 1
        if progress is not None and checked % batch == 0:
            progress(checked)
    return _end_verdict(session, checked, last_id, prev, anchors)


def _misfit(entry: AuditEntry, prev: str, anchors: Mapping[int, str]) -> str:
    """Why ``entry`` does not continue a chain ending in ``prev`` ('' when it does)."""
    if entry.id in anchors and anchors[entry.id] != entry.hash:
        return "differs from its signed checkpoint (history rewritten)"
    if entry.prev_hash != prev:
        return "previous-hash mismatch (row removed or moved)"
    if link(prev, _content(entry)) != entry.hash:
        return "content does not match its hash (edited)"
    return ""


def _end_verdict(
    session: Session, checked: int, last_id: int, prev: str, anchors: Mapping[int, str]
) -> Verdict:
    """The verdict on the chain's end: the signed checkpoints and the head agree with it."""
    beyond = max(anchors, default=0)
    if beyond > last_id:
        reason = (
            f"truncated or rolled back: the chain ends at row {last_id}, "
            f"a signed checkpoint has row {beyond}"
        )
        return Verdict(False, checked, beyond, reason)
    head = session.get(AuditHead, HEAD_ID)
    if head is not None and (head.last_hash != prev):
        return Verdict(False, checked, head.last_id, "newest rows missing (chain head ahead)")
    if head is None and checked:
        return Verdict(False, checked, None, "chain head missing")
    return Verdict(True, checked, head_hash=prev)


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)
