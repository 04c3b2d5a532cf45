"""No citizen refused for a gap: points between units or just past the border get the
nearest unit (flagged), points truly outside get none (made-up units, in memory)."""

from __future__ import annotations

from datetime import date

import shapely

from ioc.reports.routing import TreeLocator
from ioc.store.units import BORDER_TOLERANCE_KM, KM_PER_DEGREE, UnitRecord

DAY = date(2026, 1, 1)
KM = 1 / KM_PER_DEGREE


def _unit(code: str, level: str, box: tuple[float, float, float, float]) -> UnitRecord:
    geom = shapely.MultiPolygon([shapely.box(*box)])
    return UnitRecord(code, code, level, geom, date(2025, 7, 1), None, "", None, True, "")


# A province 0..1 × 0..1 whose two wards leave a 0.02° strip between them uncovered.
UNITS = [
    _unit("P", "province", (0.0, 0.0, 1.0, 1.0)),
    _unit("W", "commune", (0.0, 0.0, 0.49, 1.0)),
    _unit("E", "commune", (0.51, 0.0, 1.0, 1.0)),
]


def test_a_point_in_a_ward_is_not_flagged() -> None:
    found = TreeLocator.of_records(UNITS).locate(0.2, 0.5, DAY)
    assert found is not None and found.code == "W" and not found.nearest


def test_a_point_in_the_gap_gets_the_nearest_ward_flagged() -> None:
    locator = TreeLocator.of_records(UNITS)
    west, east = locator.locate(0.495, 0.5, DAY), locator.locate(0.507, 0.5, DAY)
    assert west is not None and west.code == "W" and west.nearest
    assert east is not None and east.code == "E" and east.nearest


def test_just_past_the_border_is_ours_far_away_is_refused() -> None:
    locator = TreeLocator.of_records(UNITS)
    near = locator.locate(1.0 + (BORDER_TOLERANCE_KM - 1) * KM, 0.5, DAY)
    assert near is not None and near.code == "E" and near.nearest
    assert locator.locate(1.0 + (BORDER_TOLERANCE_KM + 1) * KM, 0.5, DAY) is None
    assert locator.locate(0.5, 0.5, date(2024, 1, 1)) is None  # no unit valid that day


def test_a_province_without_lower_units_answers_itself() -> None:
    found = TreeLocator.of_records(UNITS[:1]).locate(0.5, 0.5, DAY)
    assert found is not None and found.code == "P" and not found.nearest
