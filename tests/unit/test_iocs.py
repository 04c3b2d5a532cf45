"""IOCs as data, pure parts: the rows of an import file and an IOC's area and scope on
made-up units (a province whose two districts closed and were replaced by two wards)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from ioc.auth.scope import area_scope
from ioc.cli import build_parser
from ioc.iocs.rows import IocRow, missing_columns, parse_date, parse_row, parse_rows, split_list
from ioc.store.units import current_area, ioc_code_of, ioc_key
from tests.unit.test_auth_core import UNITS

TODAY = date(2026, 3, 1)
GOOD = {
    "code": "IOC-D1",
    "name": "IOC huyện D1",
    "kind": "unit",
    "unit": "D1",
    "source": "Báo X, 01/02/2023",
    "opened_on": "19/05/2022",
    "area": "D1; w2",
    "operators": "a; b;a",
    "kiosks": "",
}


def problems_of(cells: dict[str, object]) -> list[tuple[int, str]]:
    parsed = parse_row(7, cells)
    assert isinstance(parsed, list), parsed
    return [(p.line, p.column) for p in parsed]


def test_a_good_row_is_parsed_with_its_lists_and_date() -> None:
    row = parse_row(2, GOOD)
    assert isinstance(row, IocRow)
    assert row.opened_on == date(2022, 5, 19) and row.area == ("D1", "w2")
    assert row.operators == ("a", "b") and row.kiosks == () and row.owner == "D1"


def test_an_empty_area_is_the_ioc_s_own_unit() -> None:
    row = parse_row(2, {**GOOD, "area": ""})
    assert isinstance(row, IocRow) and row.area_codes == ("D1",)


def test_bad_rows_name_their_line_and_column() -> None:
    assert problems_of({**GOOD, "source": "  "}) == [(7, "source")]
    assert problems_of({**GOOD, "opened_on": "2022-13-40"}) == [(7, "opened_on")]
    assert problems_of({**GOOD, "kind": "city"}) == [(7, "kind")]
    assert problems_of({**GOOD, "area": "D1; x' OR 1=1"}) == [(7, "area")]
    assert sorted(problems_of({"code": "A"})) == [
        (7, "kind"),
        (7, "name"),
        (7, "source"),
        (7, "unit"),
    ]


def test_a_code_given_twice_is_a_problem_of_its_second_line() -> None:
    rows, problems = parse_rows([(2, GOOD), (3, {**GOOD, "name": "again"})])
    assert [r.line for r in rows] == [2]
    assert [(p.line, p.column) for p in problems] == [(3, "code")]
    assert "line 2" in str(problems[0])


def test_missing_columns_are_named_on_the_header_line() -> None:
    found = missing_columns(["code", "name", "kind", "unit"])
    assert [(p.line, p.column) for p in found] == [(1, "source")]


def test_dates_from_text_and_from_excel() -> None:
    assert parse_date("2019-12-10") == date(2019, 12, 10)
    assert parse_date(datetime(2019, 12, 10, 0, 0)) == date(2019, 12, 10)
    assert parse_date("") is None
    assert split_list("24781,24784;\n24781") == ("24781", "24784")


def test_a_former_district_s_area_is_the_wards_that_replaced_it() -> None:
    assert current_area(UNITS, ["D1"], TODAY) == {"w1"}
    assert current_area(UNITS, ["D1", "D2"], TODAY) == {"w1", "w2"}
    assert current_area(UNITS, ["P"], TODAY) == {"w1", "w2"}  # the province: every ward
    assert current_area(UNITS, ["w2"], TODAY) == {"w2"}
    assert current_area(UNITS, ["c11"], TODAY) == {"w1"}  # a merged commune: its successor
    assert current_area(UNITS, ["nowhere"], TODAY) == frozenset()


def test_before_the_reform_the_area_is_the_district_s_communes() -> None:
    assert current_area(UNITS, ["D1"], date(2024, 1, 1)) == {"c11", "c12"}


def test_an_ioc_scope_is_exactly_its_area_in_every_era() -> None:
    assert area_scope(UNITS, ["D1"]) == {"D1", "c11", "c12", "w1"}
    assert area_scope(UNITS, ["w2"]) == {"w2"}  # not D2, not its communes, not w1
    assert area_scope(UNITS, ["w1", "w2"]) == {"w1", "w2"}
    assert area_scope(UNITS, []) == frozenset()


def test_ioc_keys_are_told_apart_from_unit_codes() -> None:
    assert ioc_key("IOC-672") == "ioc:IOC-672" and ioc_code_of("ioc:IOC-672") == "IOC-672"
    assert ioc_code_of("672") is None and ioc_code_of(None) is None


def test_the_commands_explain_themselves(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    for argv in (["iocs", "--help"], ["iocs", "import", "--help"], ["iocs", "list", "--help"]):
        with pytest.raises(SystemExit) as stop:
            parser.parse_args(argv)
        assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "Mạng lưới các IOC" in out and "source" in out and "--json" in out
