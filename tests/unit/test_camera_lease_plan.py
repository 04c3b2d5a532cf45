"""Lease mode's arithmetic: fair shares and what a worker gives back or claims."""

from __future__ import annotations

import pytest

from camera.leases import fair_share, plan


@pytest.mark.parametrize(
    ("cameras", "workers", "share"), [(5, 1, 5), (5, 2, 3), (20, 3, 7), (0, 2, 0), (3, 5, 1)]
)
def test_fair_share_covers_every_camera(cameras: int, workers: int, share: int) -> None:
    assert fair_share(cameras, workers) == share
    assert share * workers >= cameras  # the shares together leave nothing out


def test_no_live_worker_counts_as_one() -> None:
    assert fair_share(4, 0) == 4


def test_surplus_is_given_back_and_shortfall_claimed() -> None:
    assert plan(["C", "A", "B", "D", "E"], 3) == (["D", "E"], 0)  # the last ids go back
    assert plan(["B"], 3) == ([], 2)
    assert plan(["A", "B", "C"], 3) == ([], 0)
    assert plan([], 0) == ([], 0)
