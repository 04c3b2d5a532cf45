"""Roles, principals, unit scope and password hashing as pure logic on made-up data."""

from __future__ import annotations

from datetime import date

import pytest
import shapely

from ioc.auth.passwords import hash_password, needs_rehash, verify_password
from ioc.auth.principal import Principal
from ioc.auth.scope import compute_scope
from ioc.auth.user_roles import Role, check_unit_for_role, parse_role
from ioc.store.models import AdminUnit


def unit(
    code: str, parent: str | None, level: str, box: tuple[float, ...], *, closed: bool
) -> AdminUnit:
    x0, y0, x1, y1 = box
    return AdminUnit(
        code=code,
        name=code,
        level=level,
        parent_code=parent,
        valid_from=date(2004, 1, 1) if closed else date(2025, 7, 1),
        valid_to=date(2025, 6, 30) if closed else None,
        center_lon=(x0 + x1) / 2,
        center_lat=(y0 + y1) / 2,
        geom=shapely.box(x0, y0, x1, y1),
    )


UNITS = [
    unit("P", None, "province", (0, 0, 10, 10), closed=True),
    unit("D1", "P", "district", (0, 0, 5, 10), closed=True),
    unit("D2", "P", "district", (5, 0, 10, 10), closed=True),
    unit("c11", "D1", "commune", (0, 0, 5, 5), closed=True),
    unit("c12", "D1", "commune", (0, 5, 5, 10), closed=True),
    unit("c21", "D2", "commune", (5, 0, 10, 10), closed=True),
    unit("P", None, "province", (0, 0, 10, 10), closed=False),
    unit("w1", "P", "commune", (0, 0, 4, 10), closed=False),  # centre (2, 5): in D1
    unit("w2", "P", "commune", (4, 0, 10, 10), closed=False),  # centre (7, 5): in D2
]


def test_district_scope_has_children_and_successors() -> None:
    assert compute_scope(UNITS, "D1") == {"D1", "c11", "c12", "w1"}
    assert compute_scope(UNITS, "D2") == {"D2", "c21", "w2"}


def test_open_unit_scope_is_itself_and_children() -> None:
    assert compute_scope(UNITS, "w1") == {"w1"}
    assert compute_scope(UNITS, "unknown") == {"unknown"}


def test_province_scope_reaches_every_unit() -> None:
    assert compute_scope(UNITS, "P") == {"P", "D1", "D2", "c11", "c12", "c21", "w1", "w2"}


def test_principal_sees_and_changes_by_role_and_unit() -> None:
    operator = Principal("op", Role.OPERATOR, "D1", frozenset({"D1", "w1"}))
    leader = Principal("boss", Role.LEADER)
    viewer = Principal("v", Role.VIEWER, "D1", frozenset({"D1"}))
    assert operator.sees_unit("w1") and not operator.sees_unit("w2")
    assert not operator.sees_unit(None)  # unlocated things: province scope only
    assert operator.changes_unit("w1") and not operator.changes_unit("w2")
    assert leader.sees_unit("w2") and leader.sees_unit(None) and not leader.may_change
    assert viewer.sees_unit("D1") and not viewer.changes_unit("D1")
    field = Principal("f", Role.FIELD, "D2", frozenset({"D2"}))
    assert field.sees_assignee("f", "w1") and not field.sees_assignee("g", "w1")


def test_roles_parse_and_units_fit() -> None:
    assert parse_role(" Operator ") is Role.OPERATOR
    with pytest.raises(ValueError, match="roles: admin"):
        parse_role("kiosk")  # a token, not an account role
    with pytest.raises(ValueError, match="needs a unit"):
        check_unit_for_role(Role.FIELD, None)
    with pytest.raises(ValueError, match="province-wide"):
        check_unit_for_role(Role.LEADER, "672")
    check_unit_for_role(Role.VIEWER, None)
    check_unit_for_role(Role.VIEWER, "672")


def test_password_hash_round_trip_and_policy() -> None:
    stored = hash_password("đúng-mật-khẩu-1")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "đúng-mật-khẩu-1")
    assert not verify_password(stored, "sai-mật-khẩu-1")
    assert not verify_password(None, "đúng-mật-khẩu-1")
    assert not verify_password("not a hash", "x")
    assert not needs_rehash(stored)
    with pytest.raises(ValueError, match="too short"):
        hash_password("short")
