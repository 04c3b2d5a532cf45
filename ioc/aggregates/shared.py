"""Reading shared aggregates: this process's copy, then the table, then compute and share.

A page asks for aggregates by key (:class:`Want`), optionally for a source ``version`` (a
live feed's version: only a result computed from exactly that version will do). In order:

1. this process's decoded copy: a version-keyed one whose version matches is used with no
   look at the database; any other is used while it has not expired and was compared with
   the table less than :data:`RECHECK_S` ago (so a new refresh reaches every process within
   seconds, and a process reads the table at most once per key every few seconds);
2. the table's row when acceptable (right version, not expired): one small query for the
   keys' stamps, a second one only for the payloads this process does not hold yet;
3. otherwise the caller's ``compute`` runs (once per key and process at a time: other
   threads wanting the same key wait for it) and its results are written back in a short
   transaction of their own, so the other processes and hosts find them.

A failed write never fails a page: it is logged and the computed value is used.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ioc import cache
from ioc.store.models_aggregates import DashboardAggregate

A = DashboardAggregate
T = TypeVar("T")
RECHECK_S = 5.0  # how long a held time-keyed aggregate is used before the table is asked again
MAX_HELD = 2048
HELD_TTL_S = 3600.0  # an upper bound only: a held aggregate expires with its stamp
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stamp:
    """What a stored aggregate was computed from, when, and until when it holds."""

    version: str
    computed_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Want:
    """An aggregate a page needs: its key and, for a live feed, the version it must match."""

    key: str
    version: str | None = None


@dataclass(frozen=True)
class Computed(Generic[T]):
    """A freshly computed aggregate, with the version it was computed from and its expiry."""

    value: T
    version: str
    expires_at: datetime


@dataclass(frozen=True)
class Codec(Generic[T]):
    """How one kind of aggregate becomes JSON and back."""

    encode: Callable[[T], Any]
    decode: Callable[[Any], T]


def acceptable(stamp: Stamp, want: Want, now: datetime) -> bool:
    """A stored aggregate will do: the version asked for (if any), and not expired."""
    return (want.version is None or stamp.version == want.version) and now < stamp.expires_at


# ---- the table ----------------------------------------------------------------------------


def read_stamps(session: Session, keys: Sequence[str]) -> dict[str, Stamp]:
    """The stamps of the stored aggregates among ``keys`` (no payload)."""
    if not keys:
        return {}
    rows = session.execute(
        select(A.key, A.version, A.computed_at, A.expires_at).where(A.key.in_(keys))
    ).all()
    return {key: Stamp(version, computed, expires) for key, version, computed, expires in rows}


def read_payloads(session: Session, keys: Sequence[str]) -> dict[str, tuple[Stamp, str]]:
    """Stamps and JSON payloads of the stored aggregates among ``keys``."""
    if not keys:
        return {}
    rows = session.execute(
        select(A.key, A.version, A.computed_at, A.expires_at, A.payload).where(A.key.in_(keys))
    ).all()
    return {row[0]: (Stamp(row[1], row[2], row[3]), row[4]) for row in rows}


def write(engine: Engine, rows: Mapping[str, tuple[Stamp, str]]) -> bool:
    """Insert or replace aggregates in a transaction of their own; an older computation
    never replaces a newer one. Returns whether the write went through."""
    if not rows:
        return True
    values = [
        {
            "key": key,
            "version": stamp.version,
            "computed_at": stamp.computed_at,
            "expires_at": stamp.expires_at,
            "payload": payload,
        }
        for key, (stamp, payload) in sorted(rows.items())  # one lock order for every writer
    ]
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(A)
    statement = insert.on_conflict_do_update(
        index_elements=[A.key],
        set_={
            name: insert.excluded[name]
            for name in ("version", "computed_at", "expires_at", "payload")
        },
        where=A.computed_at <= insert.excluded.computed_at,
    )
    try:
        with engine.begin() as connection:
            connection.execute(statement, values)
    except SQLAlchemyError as exc:
        log.warning("shared aggregates not written (%s); computed values still used", exc)
        return False
    return True


# ---- this process's copies ----------------------------------------------------------------


@dataclass
class _Held:
    stamp: Stamp
    value: Any
    checked: float  # time.monotonic() of the last comparison with the table


HELD: cache.Cache[_Held] = cache.register(
    "aggregates.held",
    holds="shared aggregates this process decoded, with their stamp, by database and key",
    stale_when="never used past the stamp's expiry; a version-keyed one only for its version; "
    f"a time-keyed one is compared with the table again after {RECHECK_S:g} s",
    ttl_s=HELD_TTL_S,
    limit=MAX_HELD,
)
_FLIGHTS: dict[tuple[str, str], threading.Lock] = {}
_GUARD = threading.Lock()


def _engine(session: Session) -> Engine:
    return session.get_bind().engine


def _hold(url: str, key: str, stamp: Stamp, value: Any, clock: float) -> None:
    HELD.put((url, key), _Held(stamp, value, clock))


def _from_memory(url: str, want: Want, now: datetime, clock: float) -> _Held | None:
    held = HELD.get((url, want.key))
    if held is None or not acceptable(held.stamp, want, now):
        return None
    if want.version is None and clock - held.checked >= RECHECK_S:
        return None
    return held


@contextmanager
def _single_flight(url: str, keys: Sequence[str]) -> Iterator[None]:
    """Hold this process's lock of each key (in one order), so one thread computes a key."""
    with ExitStack() as stack:
        for key in sorted(keys):
            with _GUARD:
                lock = _FLIGHTS.setdefault((url, key), threading.Lock())
            stack.enter_context(lock)
        yield


def _from_table(
    session: Session, url: str, wants: Sequence[Want], now: datetime, codec: Codec[T]
) -> dict[str, T]:
    """What the table has that will do; payloads read only for what is not held yet."""
    clock = time.monotonic()
    stamps = read_stamps(session, [want.key for want in wants])
    found: dict[str, T] = {}
    fetch: list[str] = []
    for want in wants:
        stamp = stamps.get(want.key)
        if stamp is None or not acceptable(stamp, want, now):
            continue
        held = HELD.get((url, want.key))
        if held is not None and held.stamp == stamp:
            held.checked = clock
            found[want.key] = held.value
        else:
            fetch.append(want.key)
    by_key = {want.key: want for want in wants}
    for key, (stamp, payload) in read_payloads(session, fetch).items():
        if acceptable(stamp, by_key[key], now):
            value = codec.decode(json.loads(payload))
            _hold(url, key, stamp, value, clock)
            found[key] = value
    return found


def get_many(
    session: Session,
    wants: Sequence[Want],
    now: datetime,
    codec: Codec[T],
    compute: Callable[[Sequence[Want]], Mapping[str, Computed[T]]],
) -> dict[str, T]:
    """Each wanted aggregate by key: held, stored or computed (see the module's docstring).

    ``compute`` gets the wants nothing acceptable was found for and returns them by key.
    """
    url = str(_engine(session).url)
    clock = time.monotonic()
    found: dict[str, T] = {}
    for want in wants:
        held = _from_memory(url, want, now, clock)
        if held is not None:
            found[want.key] = held.value
    rest = [want for want in wants if want.key not in found]
    if not rest:
        return found
    found.update(_from_table(session, url, rest, now, codec))
    missing = [want for want in rest if want.key not in found]
    if missing:
        with _single_flight(url, [want.key for want in missing]):
            again = time.monotonic()
            for want in missing:  # another thread may have computed it meanwhile
                held = _from_memory(url, want, now, again)
                if held is not None and held.checked >= clock:
                    found[want.key] = held.value
            todo = [want for want in missing if want.key not in found]
            if todo:
                found.update(
                    _compute_and_share(session, url, todo, now, codec=codec, compute=compute)
                )
    return found


def _compute_and_share(
    session: Session,
    url: str,
    wants: Sequence[Want],
    now: datetime,
    *,
    codec: Codec[T],
    compute: Callable[[Sequence[Want]], Mapping[str, Computed[T]]],
) -> dict[str, T]:
    """Compute the wants, hold them here and write them for everyone else."""
    computed = compute(wants)
    clock = time.monotonic()
    rows: dict[str, tuple[Stamp, str]] = {}
    for key, result in computed.items():
        stamp = Stamp(result.version, now, result.expires_at)
        rows[key] = (stamp, _text(codec, result.value))
        _hold(url, key, stamp, result.value, clock)
    write(_engine(session), rows)
    return {key: result.value for key, result in computed.items()}


def put(engine: Engine, entries: Mapping[str, Computed[T]], now: datetime, codec: Codec[T]) -> bool:
    """Write computed aggregates (the refresher's way: nothing is held in this process)."""
    rows = {
        key: (Stamp(result.version, now, result.expires_at), _text(codec, result.value))
        for key, result in entries.items()
    }
    return write(engine, rows)


def _text(codec: Codec[T], value: T) -> str:
    return json.dumps(codec.encode(value), separators=(",", ":"))
