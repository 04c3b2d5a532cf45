"""The scope checks and filters as pure logic on made-up principals, incidents and texts."""

from __future__ import annotations

import pytest
from sqlalchemy import ColumnElement, select
from sqlalchemy.dialects import postgresql

from ioc.auth.guard import (
    in_scope,
    incidents_seen,
    may_act_on_incident,
    province_wide,
    refuses_unit,
    sees_incident,
    unit_code_or_none,
)
from ioc.auth.principal import Principal
from ioc.auth.user_roles import Role
from ioc.pages.field import chosen_unit
from ioc.pages.kpi import checked_period, period_choices
from ioc.pages.overview import checked_metric
from ioc.pages.reports import chosen_filters, refused_unit
from ioc.pages.wall import wall_unit
from ioc.reports.privacy import redact
from ioc.store.models import CitizenReport, Incident
from ioc.web.file_owners import Owner, may_see_file

DL = frozenset({"672", "24781", "24778"})
ADMIN = Principal("admin", Role.ADMIN)
LEADER = Principal("leader", Role.LEADER)
OPERATOR = Principal("op", Role.OPERATOR, "672", DL)
FIELD = Principal("tho", Role.FIELD, "672", DL)
VIEWER = Principal("xem", Role.VIEWER, "672", DL)
KIOSK = Principal("kiosk:dl", Role.KIOSK, "672", DL)
INJECTIONS = ["' OR '1'='1", "1; DROP TABLE cameras;--", "%' --", "‘ OR ’1’=’1", "6" * 5000]


def incident(unit: str | None, assignee: str | None = None) -> Incident:
    return Incident(id=1, kind="smoke", status="new", unit_code=unit, assignee=assignee)


def sql(clauses: list[ColumnElement[bool]]) -> str:
    query = select(CitizenReport.id).where(*clauses)
    return str(query.compile(dialect=postgresql.dialect()))  # type: ignore[no-untyped-call]


def test_unit_codes_are_short_and_plain() -> None:
    assert unit_code_or_none("24781") == "24781" and unit_code_or_none("W-1.a_") == "W-1.a_"
    for bad in [*INJECTIONS, "", None, 672, ["672"], {"code": "672"}, "67\x002", "a" * 17]:
        assert unit_code_or_none(bad) is None


def test_sql_filters_bind_the_scope_as_parameters() -> None:
    assert in_scope(CitizenReport.unit_code, ADMIN) == []
    assert "false" in sql(in_scope(CitizenReport.unit_code, None))
    scoped = sql(in_scope(CitizenReport.unit_code, OPERATOR))
    assert "IN (__[POSTCOMPILE_unit_code_1])" in scoped and "672" not in scoped
    field = str(select(Incident.id).where(*incidents_seen(FIELD)).compile())
    assert "incidents.assignee = :assignee_1 OR incidents.unit_code IN" in field
    assert "assignee" not in str(select(Incident.id).where(*incidents_seen(OPERATOR)).compile())


@pytest.mark.parametrize(
    ("principal", "unit", "assignee", "sees", "acts"),
    [
        (OPERATOR, "24781", None, True, True),
        (OPERATOR, "24823", None, False, False),
        (OPERATOR, "24823", "op", False, False),  # only field staff act as assignees
        (OPERATOR, None, None, False, False),  # unlocated: province only
        (FIELD, "24823", "tho", True, True),
        (FIELD, "24823", "someone", False, False),
        (FIELD, "24778", None, True, True),
        (LEADER, "24823", None, True, False),
        (VIEWER, "24781", None, True, False),
        (KIOSK, "24781", None, True, False),
        (ADMIN, None, None, True, True),
        (None, "24781", None, False, False),
    ],
)
def test_who_sees_and_acts_on_an_incident(
    principal: Principal | None, unit: str | None, assignee: str | None, sees: bool, acts: bool
) -> None:
    row = incident(unit, assignee)
    assert sees_incident(principal, row) is sees
    assert may_act_on_incident(principal, row) is acts


def test_unit_pages_refuse_outside_the_scope_and_garbled_codes() -> None:
    assert not refuses_unit(OPERATOR, "24781") and refuses_unit(OPERATOR, "24823")
    assert refuses_unit(None, "24781") and not refuses_unit(LEADER, "24823")
    for forged in INJECTIONS:
        assert refuses_unit(OPERATOR, forged)
        assert not refuses_unit(ADMIN, forged)  # province-wide: shown as "no such unit"
    assert province_wide(LEADER) and not province_wide(OPERATOR) and not province_wide(None)


def test_wall_of_a_unit_account_defaults_to_its_unit() -> None:
    assert wall_unit(OPERATOR, None) == "672" and wall_unit(KIOSK, "") == "672"
    assert wall_unit(LEADER, None) is None and wall_unit(OPERATOR, "24781") == "24781"
    assert wall_unit(None, None) is None


def test_field_list_ignores_the_query_for_unit_accounts() -> None:
    assert chosen_unit(OPERATOR, "24823") is None and chosen_unit(FIELD, "24781") is None
    assert chosen_unit(ADMIN, "24823") == "24823" and chosen_unit(ADMIN, INJECTIONS[0]) is None


def test_report_filters_accept_only_what_the_page_offers() -> None:
    categories = {"moi_truong": object()}
    assert chosen_filters("moi_truong", "resolved", categories) == ("moi_truong", "resolved")  # type: ignore[arg-type]
    for forged in INJECTIONS:
        assert chosen_filters(forged, forged, categories) == (None, None)  # type: ignore[arg-type]
        assert refused_unit(OPERATOR, forged) and refused_unit(ADMIN, forged)
    assert not refused_unit(OPERATOR, None) and not refused_unit(OPERATOR, "24781")
    assert refused_unit(OPERATOR, "24823") and refused_unit(None, None)


def test_metric_and_period_choices_are_whitelisted() -> None:
    assert checked_metric("cameras") == "cameras"
    offered = period_choices("quarter")[1]
    assert str(checked_period(offered)) == offered
    for forged in [*INJECTIONS, None, 3, "9999-12", "0001"]:
        assert checked_metric(forged) == "total"
        assert str(checked_period(forged)) == period_choices("month")[0]


def test_files_of_unknown_owners_are_for_the_province_only() -> None:
    dl, bl = Owner("camera", "CAM-DL", "24781"), Owner("camera", "CAM-BL", "24823")
    assigned = Owner("incident", "7", "24823", "tho")
    assert may_see_file(OPERATOR, [dl]) and not may_see_file(OPERATOR, [bl])
    assert not may_see_file(OPERATOR, [dl, bl])  # a shared folder: every owner must be seen
    assert not may_see_file(OPERATOR, []) and may_see_file(LEADER, [])
    assert may_see_file(FIELD, [assigned]) and not may_see_file(OPERATOR, [assigned])
    assert not may_see_file(None, [dl])


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("Gọi tôi 0909 123 456 nhé", "Gọi tôi *** nhé"),
        ("SĐT: +84 909.123.456, email lan.nguyen@example.vn", "SĐT: ***, email ***"),
        ("CCCD 068123456789 ở 12 Trần Phú", "CCCD *** ở *** Trần Phú"),
        ("Rác ở Quốc lộ 20 từ 01/03/2026, km 12", "Rác ở Quốc lộ 20 từ 01/03/2026, km 12"),
        ("tọa độ 11.9404, 108.4419", "tọa độ 11.9404, 108.4419"),
        ("nul\x00 và\x07 chuông\nxuống dòng", "nul và chuông\nxuống dòng"),
        ("", ""),
    ],
)
def test_published_report_texts_hide_contacts(text: str, published: str) -> None:
    assert redact(text) == published
