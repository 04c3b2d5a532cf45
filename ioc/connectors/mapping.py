"""Pure helpers of the connectors: dotted JSON paths, field mapping, cursor ordering.

A dotted path walks objects by key and lists by index: ``data.items``, ``result.0.id``.
Nothing here does I/O; a record that cannot be mapped yields a :class:`MappingError`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ioc.connectors.sources import FieldSpec

MISSING: Any = object()


class MappingError(ValueError):
    """Why a record cannot be mapped (the reason a dead letter keeps)."""


def dig(data: Any, path: str, default: Any = MISSING) -> Any:
    """The value at a dotted path; ``default`` (or :data:`MISSING`) when a step is absent."""
    node = data
    for step in path.split("."):
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and _is_index(step, len(node)):
            node = node[int(step)]
        else:
            return default
    return node


def _is_index(step: str, length: int) -> bool:
    return step.lstrip("-").isdigit() and -length <= int(step) < length


def map_record(record: dict[str, Any], fields: dict[str, FieldSpec]) -> dict[str, Any]:
    """The target fields of one record; a field whose path is absent is left out unless it
    has a default; a value not in a field's ``values`` table is a problem."""
    mapped: dict[str, Any] = {}
    for name, spec in fields.items():
        value = _field_value(record, name, spec)
        if value is not MISSING:
            mapped[name] = value
    return mapped


def _field_value(record: dict[str, Any], name: str, spec: FieldSpec) -> Any:
    if spec.path is None:
        return spec.value
    value = dig(record, spec.path)
    if value is MISSING or value is None:
        return spec.default if spec.default is not None else MISSING
    if spec.values is None:
        return value
    key = _table_key(value)
    if key not in spec.values:
        known = ", ".join(sorted(spec.values))
        raise MappingError(f"{name}: {spec.path}={value!r} is not one of {known}")
    return spec.values[key]


def _table_key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def text_of(value: Any) -> str:
    """A scalar as the text stored for ids and cursors (``True`` → ``true``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def record_id(record: dict[str, Any], path: str) -> str:
    """The record's id at the source, as text; a problem when absent or not a scalar."""
    value = dig(record, path)
    if value is MISSING or value is None or value == "":
        raise MappingError(f"no record id at {path!r}")
    if isinstance(value, dict | list):
        raise MappingError(f"record id at {path!r} is not a scalar")
    ident = text_of(value)
    if len(ident) > 200:
        raise MappingError(f"record id at {path!r} is longer than 200 characters")
    return ident


def fingerprint(record: Any) -> str:
    """A stable id for a record that has none (its canonical JSON's hash)."""
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
    return "sha1:" + hashlib.sha1(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, order=True)
class CursorKey:
    """How cursor values compare: numbers as numbers, ISO times as instants, else text."""

    rank: int
    number: float = 0.0
    text: str = ""


def cursor_key(value: str) -> CursorKey:
    try:
        return CursorKey(0, float(value))
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return CursorKey(2, text=value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return CursorKey(1, moment.timestamp())


def later_cursor(current: str | None, candidate: str | None) -> str | None:
    """The later of two cursor values (either may be missing)."""
    if candidate is None or candidate == "":
        return current
    if current is None or cursor_key(candidate) > cursor_key(current):
        return candidate
    return current
