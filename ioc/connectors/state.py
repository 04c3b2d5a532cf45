"""The connectors' state in the store: cursors, records taken in, dead letters."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from ioc.store import Store
from ioc.store.models_connectors import ConnectorDeadLetter, ConnectorRecord, ConnectorSource

KEEP_CHARS = 20_000
Key = tuple[str, str]  # (record id, version)


def stored_cursor(store: Store, name: str) -> str | None:
    with store.session() as session:
        row = session.get(ConnectorSource, name)
        return row.cursor if row is not None else None


def seen_keys(session: Session, source: str, keys: Sequence[Key]) -> set[Key]:
    """Which of ``keys`` this source has already delivered (stored or dead-lettered)."""
    if not keys:
        return set()
    found: set[Key] = set()
    unique = sorted(set(keys))
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        rows = session.execute(
            select(ConnectorRecord.record_id, ConnectorRecord.version).where(
                ConnectorRecord.source == source,
                tuple_(ConnectorRecord.record_id, ConnectorRecord.version).in_(chunk),
            )
        )
        found.update((r, v) for r, v in rows)
    return found


def take(session: Session, source: str, outcomes: dict[Key, str], now: datetime) -> None:
    """Remember each key with its outcome; the unique key refuses a second delivery."""
    session.add_all(
        ConnectorRecord(source=source, record_id=r, version=v, outcome=o, taken_at=now)
        for (r, v), o in outcomes.items()
    )


def dead_letter(
    session: Session, source: str, record_id: str, reason: str, *, record: Any, now: datetime
) -> None:
    text = json.dumps(record, ensure_ascii=False, default=str)[:KEEP_CHARS]
    session.add(
        ConnectorDeadLetter(
            source=source, record_id=record_id, reason=reason[:2000], record=text, received_at=now
        )
    )


def _row(session: Session, name: str) -> ConnectorSource:
    row = session.get(ConnectorSource, name)
    if row is None:
        row = ConnectorSource(name=name, last_error="", failures=0, stored=0, dead_lettered=0)
        session.add(row)
    return row


def page_done(session: Session, name: str, cursor: str | None, *, stored: int, dead: int) -> None:
    """A page is in: move the cursor and the counters in the page's own transaction."""
    row = _row(session, name)
    row.cursor = cursor
    row.stored += stored
    row.dead_lettered += dead


def poll_done(store: Store, name: str, error: str, now: datetime) -> int:
    """Record how a poll ended; returns the number of failed polls in a row."""
    with store.session() as session:
        row = _row(session, name)
        row.last_poll_at = now
        row.last_error = error[:2000]
        if error:
            row.failures += 1
        else:
            row.failures = 0
            row.last_ok_at = now
        return row.failures


def source_rows(store: Store) -> list[ConnectorSource]:
    with store.session() as session:
        rows = session.scalars(select(ConnectorSource).order_by(ConnectorSource.name)).all()
        session.expunge_all()
        return list(rows)


def dead_letters(store: Store, source: str | None, limit: int) -> list[ConnectorDeadLetter]:
    """The newest dead letters (of one source, or all)."""
    query = select(ConnectorDeadLetter).order_by(ConnectorDeadLetter.id.desc()).limit(limit)
    if source:
        query = query.where(ConnectorDeadLetter.source == source)
    with store.session() as session:
        rows = session.scalars(query).all()
        session.expunge_all()
        return list(rows)
