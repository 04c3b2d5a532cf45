"""The box-distance rule of the approximate cells: a commune ends on its box's sides, and
one that falls short of a side of its box is stretched towards it."""

from __future__ import annotations

import numpy as np

from ioc.geography import approximate as approx


def _sites(
    boxes: list[tuple[float, float, float, float]],
    points: list[tuple[float, float]] | None = None,
    wards: list[int] | None = None,
    districts: list[tuple[float, float, float, float]] | None = None,
) -> approx._Sites:
    """Sites with these boxes, centred in them unless ``points`` says otherwise, all of
    one ward unless ``wards`` says otherwise (-1: a neighbouring province's commune), with
    no district box unless ``districts`` gives them (NaN: unknown)."""
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
        np.array(districts, dtype=float) if districts else np.full((count, 4), np.nan),
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


def test_a_commune_stays_inside_its_districts_box() -> None:
    """The west commune's own box reaches x = 12 but its district's box ends at x = 6: no
    pixel east of 6 goes to it, even where only its own box holds the pixel; ground in no
    commune's box goes to the nearest commune whose district box holds it."""
    grid = _grid(16, 4)
    boxes = [(0.0, 0.0, 12.0, 4.0), (8.0, 0.0, 13.0, 4.0)]
    districts = [(0.0, 0.0, 6.0, 4.0), (6.0, 0.0, 16.0, 4.0)]
    points = [(3.0, 2.0), (10.5, 2.0)]
    free = approx._owners(grid, _sites(boxes, points))
    held = approx._owners(grid, _sites(boxes, points, districts=districts))
    centres = grid.centres()
    assert (centres[free == 0, 0] > 6.0).any()  # without the district box it spills over
    assert (centres[held == 0, 0] <= 6.0).all()
    assert (held[centres[:, 0] > 13.0] == 1).all()  # in no box: the nearest allowed commune
    # a pixel that no commune's district box holds falls back to the nearest commune
    nowhere = approx._owners(grid, _sites(boxes, points, districts=[districts[0]] * 2))
    assert (nowhere[centres[:, 0] > 13.0] == 1).all()


def test_a_district_box_missing_one_of_its_communes_is_not_used() -> None:
    """The package gives the merged district of 2024 one old district's box: a box that
    misses a member commune's centre is dropped for the whole district."""
    from ioc.geography.cells import LocalPlane
    from ioc.geography.dataset import LegacyCommune, Place

    plane = LocalPlane(108.0, 11.5)
    box = (107.9, 11.4, 108.1, 11.6)

    def commune(code: str, lon: float, district: str) -> LegacyCommune:
        place = Place(code, code, "Xã", lon, 11.5, district)
        return LegacyCommune(place, "p", "68", None, box)

    inside = [commune("1", 108.0, "682"), commune("2", 108.05, "682")]
    outside = [commune("3", 108.0, "681"), commune("4", 108.3, "681")]
    points = np.array([plane.to_km(c.place.lon, c.place.lat) for c in inside + outside])
    boxes = approx._district_boxes(inside + outside, points, plane)
    assert not np.isnan(boxes[:2]).any() and np.isnan(boxes[2:]).all()
    x0, _ = plane.to_km(box[0], box[1])
    assert boxes[0, 0] == x0 - approx.DISTRICT_BOX_MARGIN_KM
