"""The shipped approximate units against reference boundaries (``../shared/data``, tests
only; skipped without it): area agreement, ward centres, no in-province point refused.

Figures measured when this was written (docs/geography.md): wards 82.3 % of the area in
the right ward, districts 90.2 %, 124 of 124 centres right, 0 of ~7 000 points refused.
The method's parameters were chosen looking at both files.
"""

from __future__ import annotations

import pytest

from ioc.geography.compare import ReferenceFigures, measure_reference
from ioc.geography.defaults import build_default_units
from ioc.reports.routing import TreeLocator
from tests.conftest import SHARED_DATA


@pytest.fixture(scope="module")
def figures() -> ReferenceFigures:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared test data not found at {SHARED_DATA}")
    return measure_reference(SHARED_DATA, build_default_units(), TreeLocator.of_records)


def test_ward_and_district_areas_mostly_agree(figures: ReferenceFigures) -> None:
    assert figures.ward_agreement > 0.82  # 70.7 % with the ward-centre cells before
    assert figures.district_agreement > 0.89
    ratios = sorted(figures.ward_area_ratios)
    assert 0.85 < ratios[len(ratios) // 2] < 1.15  # the median ward has about its area
    assert ratios[-1] < 2.0  # was 8.4× (Phan Thiết); 1.82 measured


def test_every_ward_centre_falls_in_its_ward(figures: ReferenceFigures) -> None:
    assert figures.centres_total == 124
    assert figures.wrong_centres == ()


def test_no_point_of_the_province_is_refused(figures: ReferenceFigures) -> None:
    assert figures.points > 6000
    assert figures.points_without_unit == 0  # 4.35 % of the province before
    assert 0 < figures.points_nearest < 0.05 * figures.points
