"""The units a unit-bound principal may see: the unit, its children, and its successors.

Lâm Đồng's units changed on 1 July 2025: districts were dissolved and communes merged, so
a unit of the closed era (say the former city of Đà Lạt, 672) has no children among the
units valid today. Things are stamped with the unit valid when they happened, so an Đà Lạt
operator must also see today's wards that lie in the former city: those are the units of
the open era whose centre falls inside the closed unit's boundary.

An operations centre (IOC) is named by its key ``ioc:<code>`` wherever a unit code is
expected (:func:`ioc.store.units.ioc_key`): its scope is the union of the scopes of the
unit codes of its area (``ioc_area_units``), so an operator or a kiosk bound to an IOC
sees exactly its area, and the pages' feeds read an IOC's data the way they read a unit's.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc import cache
from ioc.store.models import AdminUnit, IocAreaUnit, IocUnit
from ioc.store.units import descendants, ioc_code_of, successors

CACHE_SECONDS = 300.0
SCOPES: cache.Cache[frozenset[str]] = cache.register(
    "auth.unit_scopes",
    holds="the unit codes a unit-bound principal may see, by database and unit code",
    stale_when="units imported or replaced, or an IOC's area changed (emptied at once in "
    "the importing process; other processes see the new units or areas within the TTL)",
    ttl_s=CACHE_SECONDS,
    limit=4096,
    events=("units", "iocs"),
)


def compute_scope(units: Iterable[AdminUnit], code: str) -> frozenset[str]:
    """The codes visible to a principal bound to ``code`` (pure; made-up data in tests)."""
    rows = list(units)
    found = descendants(rows, code)
    for successor in successors(rows, code):
        found |= descendants(rows, successor)
    return frozenset(found)


def area_scope(units: Iterable[AdminUnit], codes: Iterable[str]) -> frozenset[str]:
    """The codes visible to a principal bound to an area of several units (pure)."""
    rows = list(units)
    found: set[str] = set()
    for code in codes:
        found |= compute_scope(rows, code)
    return frozenset(found)


def unit_scope(session: Session, code: str) -> frozenset[str]:
    """:func:`compute_scope` over the store's units (for an ``ioc:`` key, :func:`area_scope`
    of its area), cached for a few minutes per database (one process may serve several
    stores: tests, a second app)."""
    key = (str(session.get_bind().engine.url), code)
    return SCOPES.get_or_put(key, lambda: _read_scope(session, code))


def _read_scope(session: Session, code: str) -> frozenset[str]:
    units = session.scalars(select(AdminUnit)).all()
    ioc = ioc_code_of(code)
    if ioc is None:
        return compute_scope(units, code)
    area = session.scalars(select(IocAreaUnit.unit_code).where(IocAreaUnit.ioc_code == ioc))
    codes = (
        area.all()
        or session.scalars(  # no area entered: the IOC's own unit
            select(IocUnit.admin_unit_code).where(IocUnit.code == ioc)
        ).all()
    )
    return area_scope(units, codes)
