"""The box-distance rule of the approximate cells: a commune ends on its box's sides, and
one that falls short of a side of its box is stretched towards it."""

from __future__ import annotations

import numpy as np

from ioc.geography import approximate as approx


def _sites(
    boxes: list[tuple[float, float, float, float]],
    points: list[tuple[float, float]] | None = None,
    wards: list[int] | None = None,
) -> approx._Sites:
    """Sites with these boxes, centred in them unless ``points`` says otherwise, all of
    one ward unless ``wards`` says otherwise (-1: a neighbouring province's commune)."""
    box = np.array(boxes, dtype=float)
    centres = np.column_stack([(box[:, 0] + box[:, 2]) / 2, (box[:, 1] + box[:, 3]) / 2])
    count = len(boxes)
    return approx._Sites(
        centres if points is None else np.array(points, dtype=float),
        box,
        np.full(count, 5.0),
        np.array(wards or [0] * count),
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


def test_a_contested_overlap_is_measured_from_the_communes_own_centres() -> None:
    """Two overlapping boxes whose communes' centres lie towards the other's box. In one
    ward, the half-way ellipse centres decide and the pixel at the west commune's centre
    goes east; when the communes belong to different wards (the overlap is contested) the
    distance runs from each commune's own centre, so it stays with its commune. A
    neighbouring province's box (ward -1) does not make an overlap contested."""
    grid = _grid(16, 4)
    boxes = [(0.0, 0.0, 10.0, 4.0), (4.0, 0.0, 16.0, 4.0)]
    points = [(8.5, 2.5), (6.5, 2.5)]
    at_west_centre = int(np.flatnonzero((grid.cols == 8) & (grid.rows == 2))[0])
    one_ward = approx._owners(grid, _sites(boxes, points, [0, 0]))
    two_wards = approx._owners(grid, _sites(boxes, points, [0, 1]))
    neighbour = approx._owners(grid, _sites(boxes, points, [0, -1]))
    assert one_ward[at_west_centre] == 1
    assert two_wards[at_west_centre] == 0
    assert (neighbour == one_ward).all()
    centres = grid.centres()
    for owner in (one_ward, two_wards, neighbour):  # never outside the owner's box
        assert (centres[owner == 0, 0] <= 10.0).all() and (centres[owner == 1, 0] >= 4.0).all()
