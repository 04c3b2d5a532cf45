"""Where mapped records go, by target kind: a small registry loaded lazily.

A sink turns one mapped record (target field → value) into its checked item or a reason
to dead-letter it, and writes a page's items in the page's transaction. The registry maps a
``target`` of the sources file to ``"module:Class"``, imported on first use (pygeoapi's
plugin registry does the same), so a sink's dependencies load only when a source needs it.

Extension point: a new target kind is one entry here and one class with the
:class:`Sink` shape, as the digital-transformation indicators (``indicator_value``, written
through ``ioc.digital.values.record_indicator_value``) were added.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any, Protocol

from sqlalchemy.orm import Session

from ioc.store import Store

SINKS: dict[str, str] = {
    "dossier_event": "ioc.connectors.dossier_sink:DossierSink",
    "indicator_value": "ioc.connectors.indicator_sink:IndicatorSink",
}


@dataclass(frozen=True)
class Refused:
    """A mapped record the sink will not take, and why (kept in the dead letter)."""

    reason: str


class Sink(Protocol):
    """One target kind. ``fields``: the target fields a mapping may name;
    ``required``: those it must name."""

    fields: frozenset[str]
    required: frozenset[str]

    def prepare(self, store: Store) -> None:
        """Load what checks need (known units...) once per poll."""

    def convert(self, mapped: dict[str, Any], key: str) -> Any | Refused:
        """The checked item of one record (``key``: a stable id of the record version)."""

    def write(self, session: Session, items: list[Any], postgis: bool) -> int:
        """Store a page's items; returns how many changed the store."""


class UnknownTargetError(ValueError):
    """A source names a target kind no sink is registered for."""


def sink_for(kind: str) -> Sink:
    """A new sink of ``kind``."""
    where = SINKS.get(kind)
    if where is None:
        raise UnknownTargetError(f"unknown target {kind!r}; known: {', '.join(sorted(SINKS))}")
    module, name = where.split(":")
    sink: Sink = getattr(import_module(module), name)()
    return sink


def mapping_problems(kind: str, names: set[str]) -> list[str]:
    """What is wrong with a source's field names for its target kind."""
    try:
        sink = sink_for(kind)
    except UnknownTargetError as exc:
        return [str(exc)]
    problems = []
    unknown = sorted(names - sink.fields)
    if unknown:
        problems.append(f"unknown target field(s) {', '.join(unknown)}")
    missing = sorted(sink.required - names)
    if missing:
        problems.append(f"missing target field(s) {', '.join(missing)}")
    return problems
