"""Rows of an IOC file (CSV or Excel): pure parsing, each problem named by line and column.

Columns (header names, case-insensitive; extra columns are ignored)::

    code, name, kind, unit, source              required
    name_en, owner, opened_on, area,            optional
    operators, kiosks, note

``kind`` is ``province``, ``unit`` or ``department``; ``unit`` the code of the unit the IOC
was built for (any era: a former district's code is fine); ``area`` unit codes separated by
``;`` (empty: the IOC's ``unit``); ``operators`` user names and ``kiosks`` kiosk labels,
separated by ``;``; ``opened_on`` ``YYYY-MM-DD`` or ``dd/mm/yyyy`` (empty: not known);
``source`` the public report or act the row comes from (title, outlet, date) — required.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

REQUIRED = ("code", "name", "kind", "unit", "source")
OPTIONAL = ("name_en", "owner", "opened_on", "area", "operators", "kiosks", "note")
KINDS = ("province", "unit", "department")
CODE = re.compile(r"^[0-9A-Za-z_.-]{1,32}$")
UNIT = re.compile(r"^[0-9A-Za-z_.-]{1,16}$")
SEPARATORS = re.compile(r"[;,\n]")


@dataclass(frozen=True)
class IocRow:
    """One checked line of the file."""

    line: int
    code: str
    name: str
    kind: str
    unit: str
    source: str
    name_en: str = ""
    owner: str = ""
    opened_on: date | None = None
    area: tuple[str, ...] = ()
    operators: tuple[str, ...] = ()
    kiosks: tuple[str, ...] = ()
    note: str = ""

    @property
    def area_codes(self) -> tuple[str, ...]:
        """The area as entered, or the IOC's own unit when none was."""
        return self.area or (self.unit,)


@dataclass(frozen=True)
class Problem:
    """Why a line (or the file) cannot be imported: line 1 is the header."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"dòng / line {self.line}" + (
            f", cột / column {self.column}" if self.column else ""
        )
        return f"{where}: {self.message}"


def missing_columns(header: list[str]) -> list[Problem]:
    """A problem per required column the header lacks."""
    return [
        Problem(1, column, "thiếu cột / missing column")
        for column in REQUIRED
        if column not in header
    ]


def text(value: Any) -> str:
    """A cell as stripped text (Excel gives numbers and dates too; a whole float's ``.0`` goes)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def parse_date(value: Any) -> date | None:
    """``YYYY-MM-DD``, ``dd/mm/yyyy`` or an Excel date; None when empty; ValueError else."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    if not raw:
        return None
    for form in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, form).date()
        except ValueError:
            continue
    raise ValueError(f"ngày không hợp lệ / bad date {raw!r} (YYYY-MM-DD or dd/mm/yyyy)")


def split_list(value: Any) -> tuple[str, ...]:
    """``a; b`` as ``("a", "b")``, blanks dropped, order kept, no repeats."""
    seen: dict[str, None] = {}
    for part in SEPARATORS.split(text(value)):
        if part.strip():
            seen.setdefault(part.strip(), None)
    return tuple(seen)


def parse_row(line: int, cells: Mapping[str, Any]) -> IocRow | list[Problem]:
    """One line as an :class:`IocRow`, or every problem it has."""
    problems: list[Problem] = []
    values = {c: text(cells.get(c)) for c in (*REQUIRED, *OPTIONAL) if c != "opened_on"}
    for column in REQUIRED:
        if not values[column]:
            problems.append(Problem(line, column, "trống / empty (required)"))
    if values["code"] and not CODE.match(values["code"]):
        problems.append(Problem(line, "code", f"mã không hợp lệ / bad code {values['code']!r}"))
    if values["kind"] and values["kind"].lower() not in KINDS:
        problems.append(Problem(line, "kind", f"{values['kind']!r}: one of {', '.join(KINDS)}"))
    area = split_list(cells.get("area"))
    for code in (values["unit"], *area):
        if code and not UNIT.match(code):
            column = "unit" if code == values["unit"] else "area"
            problems.append(
                Problem(line, column, f"mã đơn vị không hợp lệ / bad unit code {code!r}")
            )
    try:
        opened = parse_date(cells.get("opened_on"))
    except ValueError as exc:
        problems.append(Problem(line, "opened_on", str(exc)))
        opened = None
    if problems:
        return problems
    return IocRow(
        line=line,
        code=values["code"],
        name=values["name"],
        kind=values["kind"].lower(),
        unit=values["unit"],
        source=values["source"],
        name_en=values["name_en"],
        owner=values["owner"] or values["unit"],
        opened_on=opened,
        area=area,
        operators=split_list(cells.get("operators")),
        kiosks=split_list(cells.get("kiosks")),
        note=values["note"],
    )


def parse_rows(rows: list[tuple[int, Mapping[str, Any]]]) -> tuple[list[IocRow], list[Problem]]:
    """Every line parsed; a code given twice is a problem of its second line."""
    found: list[IocRow] = []
    problems: list[Problem] = []
    lines: dict[str, int] = {}
    for line, cells in rows:
        parsed = parse_row(line, cells)
        if isinstance(parsed, list):
            problems.extend(parsed)
            continue
        if parsed.code in lines:
            problems.append(
                Problem(
                    line,
                    "code",
                    f"{parsed.code!r} đã có ở dòng / also on line {lines[parsed.code]}",
                )
            )
            continue
        lines[parsed.code] = line
        found.append(parsed)
    return found, problems
