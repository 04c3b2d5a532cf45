"""What every room's CLI does with the store: open it for one command, and say plainly
when its tables do not exist yet (a database nobody has upgraded)."""

from __future__ import annotations

import sys
from collections.abc import Callable

from sqlalchemy.exc import OperationalError, ProgrammingError

from ioc.store import Store, open_store

NO_SCHEMA = "Chưa có bảng dữ liệu / the tables do not exist: run `ioc db upgrade` first ({})"


def schema_missing(exc: OperationalError | ProgrammingError) -> str:
    """The message for a command that met a database without the IOC's tables."""
    return NO_SCHEMA.format(str(exc.orig).splitlines()[0])


def with_store(database_url: str, work: Callable[[Store], int]) -> int:
    """``work(store)``'s exit code on a store opened for it (disposed after); 1 with the
    message of :func:`schema_missing` when the tables are missing."""
    store = open_store(database_url)
    try:
        return work(store)
    except (OperationalError, ProgrammingError) as exc:
        print(schema_missing(exc), file=sys.stderr)
        return 1
    finally:
        store.dispose()
