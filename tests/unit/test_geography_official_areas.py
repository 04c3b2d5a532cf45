"""The official areas that replace the registry package's wrong ones when sizing wards."""

from __future__ import annotations

from pathlib import Path

import pytest

from ioc.geography import dataset
from ioc.geography.official_areas import load_corrections, with_official_areas


def test_every_correction_names_a_2025_commune_whose_package_area_is_still_off() -> None:
    """Each row's code is a commune of province 68, its ``package_km2`` is what the package
    says today, and the two figures differ by more than 2 %. When a package upgrade fixes a
    figure this fails: drop the row then."""
    wards = {w.code: w for w in dataset.wards_2025("68")}
    corrections = load_corrections()
    assert len(corrections) == 6
    for code, row in corrections.items():
        assert code in wards, code
        assert wards[code].area_km2 == pytest.approx(row.package_km2), code
        assert abs(row.km2 / row.package_km2 - 1) > 0.02, code


def test_with_official_areas_changes_only_the_listed_wards() -> None:
    wards = dataset.wards_2025("68")
    fixed = with_official_areas(wards)
    changed = {w.code: w.area_km2 for w, f in zip(wards, fixed, strict=True) if w != f}
    assert changed.keys() == load_corrections().keys()
    by_code = {w.code: w for w in fixed}
    assert by_code["24730"].area_km2 == 332.47  # Trường Xuân: the package says 67.94
    assert [w.code for w in fixed] == [w.code for w in wards]


def test_a_table_without_its_areas_section_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "areas.toml"
    broken.write_text('[other]\n1 = { name = "x", km2 = 1.0, package_km2 = 2.0 }\n')
    with pytest.raises(ValueError, match=r"no \[areas\] table"):
        load_corrections(broken)
