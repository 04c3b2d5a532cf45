"""Which units a wall rotates through: the address parsed, children found, the scope cut."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import shapely

from ioc.auth.principal import Principal
from ioc.auth.user_roles import Role
from ioc.pages.wall_units import (
    MAX_UNITS,
    PROVINCE,
    children_of,
    requested_units,
    rotation_plan,
    wants_children,
    within_scope,
)
from ioc.store import Store
from ioc.store.models import AdminUnit
from tests.scope_support import ADMIN, BAO_LOC, DA_LAT, XUAN_HUONG, seed_two_cities, unit_principal

TODAY = date(2026, 3, 10)
OLD = (date(2004, 1, 1), date(2025, 6, 30))


def unit(
    code: str,
    name: str,
    level: str,
    parent: str | None,
    box: tuple[float, ...],
    *,
    valid: tuple[date, date | None] = (date(2025, 7, 1), None),
) -> AdminUnit:
    x0, y0, x1, y1 = box
    return AdminUnit(
        code=code,
        name=name,
        level=level,
        parent_code=parent,
        valid_from=valid[0],
        valid_to=valid[1],
        center_lon=(x0 + x1) / 2,
        center_lat=(y0 + y1) / 2,
        min_lon=x0,
        min_lat=y0,
        max_lon=x1,
        max_lat=y1,
        geom=shapely.MultiPolygon([shapely.box(*box)]),
    )


UNITS = [
    unit("68", "Tỉnh", "province", None, (0, 0, 10, 10), valid=(date(2004, 1, 1), None)),
    unit("D1", "Thành phố cũ", "district", "68", (0, 0, 5, 5), valid=OLD),
    unit("C1", "Xã cũ", "commune", "D1", (0, 0, 1, 1), valid=OLD),
    unit("W2", "Phường Bắc", "commune", "68", (1, 1, 2, 2)),
    unit("W1", "Phường Anh", "commune", "68", (3, 3, 4, 4)),
    unit("W9", "Xã Xa", "commune", "68", (7, 7, 8, 8)),
]


def test_units_of_the_address_are_valid_codes_without_repeats() -> None:
    assert requested_units("672, 673,672,,x y,../a,24781") == ["672", "673", "24781"]
    assert requested_units(None) == [] and requested_units(["672"]) == []
    assert len(requested_units(",".join(str(i) for i in range(1000)))) == MAX_UNITS
    assert wants_children("children") and wants_children(" Con ")
    assert not wants_children("") and not wants_children(None) and not wants_children("no")


def test_children_are_todays_units_below_by_name_or_the_heirs_of_a_dissolved_one() -> None:
    assert children_of(UNITS, None, TODAY) == ["W1", "W2", "W9"]  # by name: Anh, Bắc, Xa
    assert children_of(UNITS, "D1", TODAY) == ["W1", "W2"]  # dissolved: wards inside it
    assert children_of(UNITS, "D1", date(2020, 1, 1)) == ["C1"]  # before the reform
    assert children_of(UNITS, "W1", TODAY) == []


def test_the_scope_cut_keeps_only_what_the_principal_sees() -> None:
    operator = Principal("op", Role.OPERATOR, unit_code="D1", units=frozenset({"D1", "W1"}))
    assert within_scope([PROVINCE, "D1", "W1", "W9"], operator) == ["D1", "W1"]
    assert within_scope([PROVINCE, "W9"], ADMIN) == [PROVINCE, "W9"]
    assert within_scope(["D1"], None) == []


def test_rotation_plans_on_the_real_geography(sqlite_store: Store, tmp_path: Path) -> None:
    seed_two_cities(sqlite_store, tmp_path)
    with sqlite_store.session() as session:
        province = rotation_plan(session, ADMIN, None, {"children": "children"}, TODAY)
        da_lat = rotation_plan(session, ADMIN, DA_LAT, {"children": "children"}, TODAY)
        listed = rotation_plan(session, ADMIN, None, {"units": f"{DA_LAT},{BAO_LOC}"}, TODAY)
        alone = rotation_plan(session, ADMIN, DA_LAT, {}, TODAY)
    assert province[0] == PROVINCE and len(province) == 1 + 124  # the province, its wards
    assert da_lat[0] == DA_LAT and XUAN_HUONG in da_lat
    assert 3 <= len(da_lat) - 1 <= 10 and set(da_lat[1:]) < set(province)  # its new wards
    assert listed == [DA_LAT, BAO_LOC]
    assert alone == []  # one unit: nothing to rotate


def test_an_operator_cannot_widen_the_rotation(sqlite_store: Store, tmp_path: Path) -> None:
    seed_two_cities(sqlite_store, tmp_path)
    operator = unit_principal(sqlite_store, "op.672", Role.OPERATOR, DA_LAT)
    with sqlite_store.session() as session:
        widened = rotation_plan(session, operator, DA_LAT, {"units": f"{BAO_LOC},68"}, TODAY)
        province = rotation_plan(session, operator, None, {"children": "children"}, TODAY)
        own = rotation_plan(session, operator, DA_LAT, {"children": "children"}, TODAY)
    assert widened == []  # Bảo Lộc and the province are cut: Đà Lạt alone does not rotate
    assert own[0] == DA_LAT and XUAN_HUONG in own and len(own) > 2
    assert PROVINCE not in province and set(province) == set(own[1:])  # only its own wards
