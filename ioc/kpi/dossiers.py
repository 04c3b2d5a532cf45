"""Dossier records into the store: the checked input type and an idempotent upsert.

Both the MQTT stream (``ioc/v1/dossier/<system>/event``) and file imports end here.
:func:`upsert_dossiers` is idempotent on ``dossier_id``: a record whose ``event_at`` is
later than the stored one replaces it, an older or equal one changes nothing. The guard
is in the SQL itself (``ON CONFLICT DO UPDATE ... WHERE``), so concurrent writers agree.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ioc.store.models import Dossier

CHANNELS = ("online", "in_person", "postal")
CHUNK = 1000


@dataclass(frozen=True)
class DossierIn:
    """One dossier as the one-stop system reports it; times are aware datetimes.

    ``procedure_level``: 4 = full-process online service (toàn trình), 3 = partial online
    (một phần), 2 or None = no online service. ``rating``: 1-5, 4 and 5 being satisfied.
    ``event_at``: when the system produced this state of the dossier (orders updates).
    """

    dossier_id: str
    procedure_code: str
    unit_code: str
    received_at: datetime
    event_at: datetime
    procedure_name: str = ""
    procedure_level: int | None = None
    channel: str = "in_person"
    due_at: datetime | None = None
    finished_at: datetime | None = None
    fee_required: bool = False
    paid_online: bool = False
    digitised: bool = False
    result_digitised: bool = False
    e_result: bool = False
    rating: int | None = None
    published: bool = True

    def problems(self) -> list[str]:
        """What is wrong with the record (empty when it can be stored)."""
        found = []
        if not self.dossier_id or not self.procedure_code or not self.unit_code:
            found.append("dossier_id, procedure_code and unit_code are required")
        if self.channel not in CHANNELS:
            found.append(f"channel must be one of {', '.join(CHANNELS)}: {self.channel!r}")
        for name in ("received_at", "event_at", "due_at", "finished_at"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                found.append(f"{name} has no time zone")
        if not found:
            found += self._order_problems()
        if self.rating is not None and not 1 <= self.rating <= 5:
            found.append(f"rating must be 1-5: {self.rating}")
        if self.procedure_level is not None and not 1 <= self.procedure_level <= 4:
            found.append(f"procedure_level must be 1-4: {self.procedure_level}")
        return found

    def _order_problems(self) -> list[str]:
        found = []
        if self.finished_at is not None and self.finished_at < self.received_at:
            found.append("finished_at is before received_at")
        if self.due_at is not None and self.due_at < self.received_at:
            found.append("due_at is before received_at")
        return found


@dataclass
class UpsertResult:
    """What a batch did: new rows, rows replaced by a later event, events ignored."""

    inserted: int = 0
    updated: int = 0
    ignored: int = 0
    dossier_ids: list[str] = field(default_factory=list)

    def add(self, other: UpsertResult) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.ignored += other.ignored
        self.dossier_ids += other.dossier_ids


def newest_per_id(rows: Sequence[DossierIn]) -> dict[str, DossierIn]:
    """The latest event of each dossier in a batch (the first one on a tie)."""
    newest: dict[str, DossierIn] = {}
    for row in rows:
        seen = newest.get(row.dossier_id)
        if seen is None or row.event_at > seen.event_at:
            newest[row.dossier_id] = row
    return newest


def _chunks(items: list[DossierIn]) -> Iterator[list[DossierIn]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def upsert_dossiers(session: Session, rows: Sequence[DossierIn], postgis: bool) -> UpsertResult:
    """Insert new dossiers and apply later events; older or repeated events are ignored."""
    result = UpsertResult(ignored=len(rows))
    newest = newest_per_id(rows)
    for chunk in _chunks(list(newest.values())):
        result.add(_upsert_chunk(session, chunk, postgis))
    result.ignored -= result.inserted + result.updated
    return result


def _upsert_chunk(session: Session, chunk: list[DossierIn], postgis: bool) -> UpsertResult:
    ids = [row.dossier_id for row in chunk]
    stored = dict(
        session.execute(
            select(Dossier.dossier_id, Dossier.event_at).where(Dossier.dossier_id.in_(ids))
        ).all()
    )
    fresh = [r for r in chunk if r.dossier_id not in stored]
    later = [
        r for r in chunk if r.dossier_id in stored and _is_later(r.event_at, stored[r.dossier_id])
    ]
    todo = fresh + later
    if todo:
        dialect = postgresql if postgis else sqlite
        statement = dialect.insert(Dossier)
        columns = {k: statement.excluded[k] for k in asdict(todo[0]) if k != "dossier_id"}
        statement = statement.on_conflict_do_update(
            index_elements=[Dossier.dossier_id],
            set_=columns,
            where=(Dossier.event_at.is_(None)) | (Dossier.event_at < statement.excluded.event_at),
        )
        session.execute(statement, [asdict(r) for r in todo])
    return UpsertResult(len(fresh), len(later), 0, [r.dossier_id for r in todo])


def _is_later(event_at: datetime, stored: datetime | None) -> bool:
    return stored is None or event_at > stored
