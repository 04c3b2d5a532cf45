"""An IOC's area on made-up units: the heirs of a dissolved district, an open unit's
children, and the summed counts of an area (pure functions)."""

from __future__ import annotations

from datetime import date

from ioc.kpi.areas import area_counts, area_key, area_units, compute_areas
from tests.unit.test_wall_units import TODAY, UNITS, unit


def test_a_dissolved_district_has_the_wards_inside_it() -> None:
    assert area_units(UNITS, "D1", TODAY) == ("W1", "W2")
    assert area_units(UNITS, "W1", TODAY) == ()  # a ward has no area below it


def test_areas_of_districts_and_iocs_but_not_of_the_province() -> None:
    county = unit("D2", "Huyện mới", "district", "68", (6, 6, 9, 9))
    children = [unit("W7", "Xã Bảy", "commune", "D2", (6, 6, 7, 7))]
    areas = compute_areas([*UNITS, county, *children], ["D1", "68"], TODAY)
    assert areas == {"D1": ("W1", "W2"), "D2": ("W7",)}
    assert compute_areas(UNITS, ["D1"], date(2020, 1, 1)) == {"D1": ("C1",)}


def test_an_area_adds_up_its_units_counts() -> None:
    counts = {"W1": {"received": 3, "online": 1}, "W2": {"received": 2}, "W9": {"received": 9}}
    found = area_counts(counts, {"D1": ("W1", "W2"), "D9": ("W8",)})
    assert found == {area_key("D1"): {"received": 5, "online": 1}}  # D9: no records, no entry
