"""The IOCs public reporting names, shipped in ``data/iocs_lamdong.csv`` with their sources.

Reference data, like the units and the report categories: stored at first start. A code
already in the store is left as it is, except a row an older version seeded without a
source, which is filled in; operators and kiosks are never touched (they are the
province's, bound by ``ioc iocs import``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.iocs.registry import apply_row, area_codes, read_file
from ioc.store.models import AdminUnit, IocAreaUnit, IocUnit

log = logging.getLogger(__name__)

IOCS_FILE = Path(__file__).resolve().parents[2] / "data" / "iocs_lamdong.csv"


def seed_default_iocs(session: Session, path: Path = IOCS_FILE) -> int:
    """Store the shipped IOCs missing from the store (or seeded without a source); how many."""
    codes = set(session.scalars(select(AdminUnit.code)))
    done = 0
    for row in read_file(path):
        if not {row.unit, *row.area_codes} <= codes:
            log.warning("IOC %s not seeded: its units are not in the store", row.code)
            continue
        ioc = session.get(IocUnit, row.code)
        if ioc is not None and ioc.source:
            continue
        if ioc is None:
            ioc = IocUnit(code=row.code)
            session.add(ioc)
        apply_row(ioc, row)
        session.flush()  # the IOC's row before its area's (a foreign key)
        if not area_codes(session, row.code):
            session.add_all(IocAreaUnit(ioc_code=row.code, unit_code=c) for c in row.area_codes)
        done += 1
    session.flush()
    return done
