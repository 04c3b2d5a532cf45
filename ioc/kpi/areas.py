"""The area of an IOC (or of a former district): the current units it covers.

Since 1 July 2025 the district tier is gone, but the IOCs are not: Đà Lạt's IOC (attached
to the former city, 672) now serves the wards that replaced it. An area is the set of
units valid today that succeeded a closed unit (their centre inside its boundary:
:func:`ioc.store.units.successors`, the rule of the unit scopes too), or the children of an
open one. Its Decision 766 figures are the index of the summed counts of those units — an
*aggregate of the area*, not an official score of a unit — shown next to the ranking of its
own units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.kpi.ratio import add_counts
from ioc.store.models import AdminUnit, IocAreaUnit, IocUnit
from ioc.store.units import current_area, ioc_key, successors

AREA_PREFIX = "area:"  # key of an area's scores among the units' (``area:672``)
Areas = dict[str, tuple[str, ...]]


def area_key(code: str) -> str:
    return AREA_PREFIX + code


def _valid_on(unit: AdminUnit, day: date) -> bool:
    return unit.valid_from <= day and (unit.valid_to is None or unit.valid_to >= day)


def area_units(units: Sequence[AdminUnit], code: str, day: date) -> tuple[str, ...]:
    """The units valid on ``day`` that make up ``code``'s area (pure; empty if none)."""
    current = [u for u in units if _valid_on(u, day) and u.level != "province"]
    below = {u.code for u in current if u.parent_code == code}
    if not below:
        heirs = successors(units, code)
        below = {u.code for u in current if u.code in heirs}
    return tuple(sorted(below))


def compute_areas(units: Sequence[AdminUnit], iocs: Sequence[str], day: date) -> Areas:
    """The area of every district (open or closed) and of every IOC's unit (pure)."""
    codes = {u.code for u in units if u.level == "district"} | set(iocs)
    province = {u.code for u in units if u.level == "province"}
    found = {code: area_units(units, code, day) for code in sorted(codes - province)}
    return {code: members for code, members in found.items() if members}


def load_areas(session: Session, day: date) -> Areas:
    """:func:`compute_areas` over the store's units and IOCs, plus each IOC's own area
    keyed ``ioc:<code>`` (the units of ``ioc_area_units``, :func:`current_area`)."""
    units = session.scalars(select(AdminUnit)).all()
    iocs = session.scalars(select(IocUnit.admin_unit_code)).all()
    found = compute_areas(units, iocs, day)
    entered: dict[str, list[str]] = {}
    for ioc, code in session.execute(select(IocAreaUnit.ioc_code, IocAreaUnit.unit_code)):
        entered.setdefault(ioc, []).append(code)
    for ioc, codes in sorted(entered.items()):
        members = tuple(sorted(current_area(units, codes, day)))
        if members:
            found[ioc_key(ioc)] = members
    return found


def area_counts(counts: Mapping[str, Mapping[str, int]], areas: Areas) -> dict[str, dict[str, int]]:
    """The summed counts of each area that has any records, keyed ``area:<code>``."""
    found = {}
    for code, members in areas.items():
        present = [counts[m] for m in members if m in counts]
        if present:
            found[area_key(code)] = add_counts(present)
    return found
