"""Citizen-report aggregates of the map: the report layer and the open/overdue counts.

Both are shared per unit (``*`` for the province) and tied to the reports' version
(:func:`ioc.aggregates.feeds.reports_version`), so a report filed or updated anywhere makes
the next page that looks compute them once for everybody, with no wait for a refresh:

* the layer (key ``reports.layer|<unit>``): report points, or grid cells counted in SQL
  once there are too many points; its version also carries the day, as the map shows
  the last 30 days' reports;
* the counts (key ``reports.counts|<unit>``): open reports and those past their result
  deadline; the deadlines pass with the clock, so they also expire after a minute (the
  refresher renews the province's every refresh).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from ioc.aggregates.shared import Codec, Computed, Want, get_many


@dataclass(frozen=True)
class ReportPoint:
    """What the map shows of one report."""

    id: int
    lon: float
    lat: float
    status: str
    service_code: str
    overdue: bool = False


@dataclass(frozen=True)
class Cell:
    """Reports aggregated into one grid cell (centre, count, how many still open)."""

    lon: float
    lat: float
    count: int
    open_count: int


Layer = list[ReportPoint] | list[Cell]
COUNTS_TTL_S = 60.0
LAYER_TTL = timedelta(days=1)  # the version (reports and day) decides; this only bounds it


def _encode_layer(layer: Layer) -> dict[str, Any]:
    if layer and isinstance(layer[0], Cell):
        return {
            "cells": [[c.lon, c.lat, c.count, c.open_count] for c in layer if isinstance(c, Cell)]
        }
    return {
        "points": [
            [p.id, p.lon, p.lat, p.status, p.service_code, p.overdue]
            for p in layer
            if isinstance(p, ReportPoint)
        ]
    }


def _decode_layer(raw: Any) -> Layer:
    if "cells" in raw:
        return [Cell(float(x), float(y), int(n), int(o)) for x, y, n, o in raw["cells"]]
    return [
        ReportPoint(int(i), float(x), float(y), str(status), str(code), bool(late))
        for i, x, y, status, code, late in raw["points"]
    ]


LAYER: Codec[Layer] = Codec(encode=_encode_layer, decode=_decode_layer)
COUNTS: Codec[tuple[int, int]] = Codec(encode=list, decode=lambda raw: (int(raw[0]), int(raw[1])))


def layer_key(unit_code: str | None) -> str:
    return f"reports.layer|{unit_code or '*'}"


def counts_key(unit_code: str | None) -> str:
    return f"reports.counts|{unit_code or '*'}"


def layer_version(reports_version: str, now: datetime) -> str:
    return f"{reports_version}|{now.date()}"


def shared_layer(
    session: Session,
    now: datetime,
    unit_code: str | None,
    reports_version: str,
    compute: Callable[[], Layer],
) -> Layer:
    """The report layer of ``reports_version`` and today: shared, or computed and shared."""
    version = layer_version(reports_version, now)

    def computed(_wants: Sequence[Want]) -> dict[str, Computed[Layer]]:
        return {layer_key(unit_code): Computed(compute(), version, now + LAYER_TTL)}

    want = Want(layer_key(unit_code), version)
    return get_many(session, [want], now, LAYER, computed)[want.key]


def shared_counts(
    session: Session,
    now: datetime,
    unit_code: str | None,
    reports_version: str,
    compute: Callable[[], tuple[int, int]],
) -> tuple[int, int]:
    """(open, overdue) reports of ``reports_version``, at most a minute old."""

    def computed(_wants: Sequence[Want]) -> dict[str, Computed[tuple[int, int]]]:
        expires = now + timedelta(seconds=COUNTS_TTL_S)
        return {counts_key(unit_code): Computed(compute(), reports_version, expires)}

    want = Want(counts_key(unit_code), reports_version)
    return get_many(session, [want], now, COUNTS, computed)[want.key]
