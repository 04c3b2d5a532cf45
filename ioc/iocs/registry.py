"""The IOCs in the store: check rows against the units and accounts, store them, read them.

An import is all or nothing: every problem of the file (by line and column) is reported
and nothing is stored unless there is none. Importing the same file twice changes nothing.
An IOC's area is kept as entered (codes of any era) and resolved to today's units when
read, so it follows an import of official boundaries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from ioc import cache
from ioc.auth.scope import unit_scope
from ioc.auth.user_roles import Role
from ioc.iocs.rows import IocRow, Problem, missing_columns, parse_rows
from ioc.kpi.importer import ImportFileError, read_rows
from ioc.store.models import AdminUnit, IocAreaUnit, IocUnit
from ioc.store.models_auth import KioskToken, User
from ioc.store.units import current_area, ioc_key

OPERATOR_ROLES = (Role.OPERATOR.value, Role.VIEWER.value, Role.FIELD.value)


class IocFileError(ValueError):
    """The file cannot be imported; ``problems`` name the line and column of each."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class IocInfo:
    """An IOC as the list and the pages show it."""

    code: str
    name: str
    name_en: str
    kind: str
    unit: str
    owner: str
    opened_on: date | None
    source: str
    note: str
    area_codes: tuple[str, ...]  # as entered
    area: tuple[str, ...]  # today's units
    operators: tuple[str, ...]
    kiosks: tuple[str, ...]

    def display_name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name


def read_file(path: Path) -> list[IocRow]:
    """The checked rows of a CSV or .xlsx file; IocFileError with every problem."""
    try:
        header, rows = read_rows(path)
    except (ImportFileError, OSError, UnicodeDecodeError) as exc:
        raise IocFileError([Problem(0, "", str(exc))]) from None
    missing = missing_columns(header)
    if missing:
        raise IocFileError(missing)
    found, problems = parse_rows(list(rows))
    if problems:
        raise IocFileError(problems)
    return found


def store_problems(session: Session, rows: Sequence[IocRow], today: date) -> list[Problem]:
    """What the store refuses: unknown units, areas covering no current unit, unknown or
    province-wide operators, unknown kiosks."""
    units = session.scalars(select(AdminUnit)).all()
    codes = {u.code for u in units}
    users = {u.username: u for u in session.scalars(select(User))}
    kiosks = set(session.scalars(select(KioskToken.label).where(KioskToken.revoked_at.is_(None))))
    problems = []
    for row in rows:
        if row.unit not in codes:
            problems.append(
                Problem(row.line, "unit", f"đơn vị không có / unknown unit {row.unit!r}")
            )
        for code in row.area:
            if code not in codes:
                problems.append(
                    Problem(row.line, "area", f"đơn vị không có / unknown unit {code!r}")
                )
        if all(c in codes for c in row.area_codes) and not current_area(
            units, row.area_codes, today
        ):
            problems.append(
                Problem(row.line, "area", "không phủ đơn vị hiện hành nào / covers no current unit")
            )
        for name in row.operators:
            user = users.get(name)
            if user is None:
                problems.append(
                    Problem(row.line, "operators", f"tài khoản không có / unknown account {name!r}")
                )
            elif user.role not in OPERATOR_ROLES:
                problems.append(
                    Problem(row.line, "operators", f"{name!r} is {user.role} (province-wide)")
                )
        for label in row.kiosks:
            if label not in kiosks:
                problems.append(
                    Problem(row.line, "kiosks", f"kiosk không có / unknown kiosk {label!r}")
                )
    return problems


def store_rows(session: Session, rows: Sequence[IocRow], today: date) -> tuple[int, int]:
    """Upsert the IOCs, their areas, operators and kiosks; (new, updated). Raises
    IocFileError (nothing stored) when the store refuses a row."""
    problems = store_problems(session, rows, today)
    if problems:
        raise IocFileError(problems)
    new = updated = 0
    for row in rows:
        ioc = session.get(IocUnit, row.code)
        if ioc is None:
            ioc = IocUnit(code=row.code)
            session.add(ioc)
            new += 1
        elif _changed(session, ioc, row):
            updated += 1
        apply_row(ioc, row)
        _set_area(session, row)
        _bind_operators(session, row.code, row.operators)
        _bind_kiosks(session, row.code, row.kiosks)
    session.flush()
    cache.changed("iocs")  # this process's scopes read the new areas at once
    return new, updated


def apply_row(ioc: IocUnit, row: IocRow) -> None:
    """The row's fields onto the stored IOC (its area, operators and kiosks apart)."""
    ioc.name, ioc.name_en, ioc.kind, ioc.admin_unit_code = row.name, row.name_en, row.kind, row.unit
    ioc.owner, ioc.opened_on, ioc.source, ioc.note = row.owner, row.opened_on, row.source, row.note


def _changed(session: Session, ioc: IocUnit, row: IocRow) -> bool:
    now = (
        ioc.name,
        ioc.name_en,
        ioc.kind,
        ioc.admin_unit_code,
        ioc.owner,
        ioc.opened_on,
        ioc.source,
        ioc.note,
        area_codes(session, ioc.code),
    )
    new = (
        row.name,
        row.name_en,
        row.kind,
        row.unit,
        row.owner,
        row.opened_on,
        row.source,
        row.note,
        tuple(sorted(row.area_codes)),
    )
    return now != new


def _set_area(session: Session, row: IocRow) -> None:
    session.execute(delete(IocAreaUnit).where(IocAreaUnit.ioc_code == row.code))
    session.flush()
    session.add_all(IocAreaUnit(ioc_code=row.code, unit_code=c) for c in row.area_codes)


def _bind_operators(session: Session, code: str, names: Sequence[str]) -> None:
    """Exactly ``names`` are operators of IOC ``code`` (others bound to it are let go)."""
    for user in session.scalars(select(User).where(User.ioc_code == code)):
        user.ioc_code = code if user.username in names else None
    for user in session.scalars(select(User).where(User.username.in_(names))):
        user.ioc_code = code


def _bind_kiosks(session: Session, code: str, labels: Sequence[str]) -> None:
    """Exactly the kiosks labelled ``labels`` belong to IOC ``code``."""
    for kiosk in session.scalars(select(KioskToken).where(KioskToken.ioc_code == code)):
        kiosk.ioc_code = code if kiosk.label in labels else None
    for kiosk in session.scalars(select(KioskToken).where(KioskToken.label.in_(labels))):
        kiosk.ioc_code = code


def area_codes(session: Session, code: str) -> tuple[str, ...]:
    """The area of IOC ``code`` as entered, sorted."""
    rows = session.scalars(select(IocAreaUnit.unit_code).where(IocAreaUnit.ioc_code == code))
    return tuple(sorted(rows))


def current_codes(session: Session, day: date) -> frozenset[str]:
    """The most detailed units valid on ``day`` (codes only: no boundary is read)."""
    rows = session.execute(
        select(AdminUnit.code, AdminUnit.parent_code, AdminUnit.level).where(
            AdminUnit.valid_from <= day,
            or_(AdminUnit.valid_to.is_(None), AdminUnit.valid_to >= day),
        )
    ).all()
    parents = {parent for _code, parent, _level in rows if parent}
    return frozenset(
        code for code, _p, level in rows if level != "province" and code not in parents
    )


def list_iocs(session: Session, today: date) -> list[IocInfo]:
    """Every IOC, province first, then by kind and code, with its area resolved on ``today``:
    the current units of its scope (the same set as :func:`current_area`, read through the
    cached scope rather than every unit's boundary)."""
    current = current_codes(session, today)
    order = {kind: n for n, kind in enumerate(("province", "unit", "department"))}
    iocs = sorted(session.scalars(select(IocUnit)), key=lambda i: (order.get(i.kind, 9), i.code))
    return [_info(session, current, ioc) for ioc in iocs]


def find_ioc(session: Session, code: str, today: date) -> IocInfo | None:
    ioc = session.get(IocUnit, code)
    if ioc is None:
        return None
    return _info(session, current_codes(session, today), ioc)


def _info(session: Session, current: frozenset[str], ioc: IocUnit) -> IocInfo:
    entered = area_codes(session, ioc.code) or (ioc.admin_unit_code,)
    users = session.scalars(select(User.username).where(User.ioc_code == ioc.code)).all()
    kiosks = session.scalars(
        select(KioskToken.label).where(
            KioskToken.ioc_code == ioc.code, KioskToken.revoked_at.is_(None)
        )
    ).all()
    return IocInfo(
        code=ioc.code,
        name=ioc.name,
        name_en=ioc.name_en or "",
        kind=ioc.kind,
        unit=ioc.admin_unit_code,
        owner=ioc.owner or ioc.admin_unit_code,
        opened_on=ioc.opened_on,
        source=ioc.source or "",
        note=ioc.note or "",
        area_codes=entered,
        area=tuple(sorted(unit_scope(session, ioc_key(ioc.code)) & current)),
        operators=tuple(sorted(users)),
        kiosks=tuple(sorted(kiosks)),
    )
