"""The box-distance rule of the approximate cells: a commune ends on its box's sides, and
one that falls short of a side of its box is stretched towards it."""

from __future__ import annotations

import numpy as np

from ioc.geography import approximate as approx


def _sites(boxes: list[tuple[float, float, float, float]]) -> approx._Sites:
    box = np.array(boxes, dtype=float)
    points = np.column_stack([(box[:, 0] + box[:, 2]) / 2, (box[:, 1] + box[:, 3]) / 2])
    count = len(boxes)
    return approx._Sites(
        points,
        box,
        np.full(count, 5.0),
        np.ones(count),
        np.ones(count, dtype=bool),
        np.ones((count, 4)),
    )


def _grid(width: int, height: int) -> approx._Grid:
    cols, rows = np.meshgrid(np.arange(width), np.arange(height))
    return approx._Grid(0.0, 0.0, 1.0, cols.ravel(), rows.ravel())


def test_a_commune_owning_its_whole_box_reaches_every_side() -> None:
    grid, sites = _grid(10, 6), _sites([(0.0, 0.0, 10.0, 6.0)])
    owner = approx._owners(grid, sites)
    assert (owner == 0).all()
    assert np.allclose(approx._reach(grid, sites, owner, 1), 1.0)


def test_a_commune_cut_short_of_its_east_side_is_stretched_east() -> None:
    """Two overlapping boxes: the west commune's box reaches x = 8, the east one starts at
    x = 2. The shared strip is split; stretching the west commune's east side moves the
    split east, and no pixel outside a commune's box is ever given to it."""
    grid = _grid(10, 4)
    sites = _sites([(0.0, 0.0, 8.0, 4.0), (2.0, 0.0, 10.0, 4.0)])
    before = approx._owners(grid, sites)
    reach = approx._reach(grid, sites, before, 2)
    assert reach[0, 0] == 1.0 and reach[0, 1] < 1.0  # reaches west, not east
    assert reach[1, 1] == 1.0 and reach[1, 0] < 1.0  # the mirror image
    sites.stretch[0, 1] = 4.0
    after = approx._owners(grid, sites)
    assert (after == 0).sum() > (before == 0).sum()
    centres = grid.centres()
    assert (centres[after == 0, 0] <= 8.0).all() and (centres[after == 1, 0] >= 2.0).all()
