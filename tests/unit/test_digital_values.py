"""Digital board, pure parts: value rows, refusing values without a source, the catalogue,
number and date formats, progress towards a target, the charts' scale for a screen."""

from __future__ import annotations

import pytest

from ioc.digital.board import Figure, IndicatorView, date_label, source_line
from ioc.digital.catalogue import CatalogueError, Indicator, Target, parse_catalogue, read_catalogue
from ioc.digital.importer import ValueFileError, _number, parse_row, parse_rows
from ioc.digital.values import MissingSourceError, Source, check_period, check_source
from ioc.pages.digital_board import number, screen_scale

CATALOGUE = {i.code: i for i in read_catalogue()}
ARTICLE = {
    "source_title": "Đẩy nhanh Chương trình Chuyển đổi số",
    "source_publisher": "Báo Lâm Đồng",
    "source_date": "2023-02-01",
}


def row(**cells: str) -> dict[str, str]:
    return {
        "indicator": "bts_stations",
        "unit": "",
        "period": "2024",
        "value": "1.730",
        **ARTICLE,
        **cells,
    }


def test_a_full_row_is_read_with_its_source() -> None:
    parsed = parse_row(2, row(source_url=" https://baolamdong.vn/x ", note="n"), CATALOGUE)
    assert (parsed.indicator, parsed.unit, parsed.period, parsed.value) == (
        "bts_stations",
        None,
        "2024",
        1730.0,
    )
    assert parsed.source == Source(
        "Đẩy nhanh Chương trình Chuyển đổi số",
        "Báo Lâm Đồng",
        "2023-02-01",
        "https://baolamdong.vn/x",
    )
    assert parse_row(3, row(unit="672"), CATALOGUE).unit == "672"


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ({"source_title": ""}, "source_title"),
        ({"source_publisher": "  "}, "source_publisher"),
        ({"source_date": ""}, "source_date"),
        ({"source_date": "01/02/2023"}, "source_date"),
        ({"source_title": "", "source_publisher": "", "source_date": ""}, "source_title"),
    ],
)
def test_a_row_without_a_source_is_refused_naming_its_line(
    missing: dict[str, str], named: str
) -> None:
    with pytest.raises(ValueError, match=rf"line 7 \[bts_stations\]: refused, no source.*{named}"):
        parse_row(7, row(**missing), CATALOGUE)


def test_a_file_lists_every_refused_row_and_keeps_none() -> None:
    rows = iter(
        [
            (2, row()),
            (3, row(indicator="bts_5g_stations", source_publisher="")),
            (4, row(period="2024-Q3")),
            (5, row(indicator="no_such_indicator")),
            (6, row()),
            (7, row(value="nhiều")),
        ]
    )
    with pytest.raises(ValueFileError) as refused:
        parse_rows(rows, CATALOGUE)
    lines = [p.split(" [")[0] for p in refused.value.problems]
    assert lines == ["line 3", "line 4", "line 5", "line 6", "line 7"]
    assert "repeats line 2" in refused.value.problems[3]


def test_numbers_as_vietnamese_files_write_them() -> None:
    assert _number("1.730") == 1730.0
    assert _number("9.088") == 9088.0
    assert _number("96,5") == 96.5
    assert _number("1.730,5") == 1730.5
    assert _number("96.5") == 96.5
    assert _number("100%") == 100.0
    with pytest.raises(ValueError):
        _number("")


def test_periods_and_sources_are_checked() -> None:
    assert check_period(" 2024 ", "year") == "2024"
    with pytest.raises(ValueError, match="not a year"):
        check_period("2024-Q1", "year")
    with pytest.raises(MissingSourceError):
        check_source(None)
    with pytest.raises(MissingSourceError, match="source_publisher"):
        check_source(Source("T", "", "2024-01-02"))
    assert check_source(Source(" T ", " P ", "2022-08", " ")) == Source("T", "P", "2022-08")


def test_the_shipped_catalogue_covers_the_four_groups() -> None:
    pillars = {i.pillar for i in CATALOGUE.values()}
    assert pillars == {"government", "economy", "society", "infrastructure"}
    assert all(i.period_kind == "year" for i in CATALOGUE.values())
    targeted = [i for i in CATALOGUE.values() if i.target is not None]
    assert targeted and all(i.target and i.target.title and i.target.publisher for i in targeted)


def test_a_target_without_its_source_is_refused() -> None:
    text = """
[[indicator]]
code = "x"
pillar = "economy"
name_vi = "X"
name_en = "X"
measure_vi = "%"
measure_en = "%"
[indicator.target]
value = 30
period = "2030"
"""
    with pytest.raises(CatalogueError, match="x: target lacks title, publisher"):
        parse_catalogue(text)
    with pytest.raises(CatalogueError, match="pillar"):
        parse_catalogue(text.replace('"economy"', '"sport"'))


def indicator(lower: bool, target: float | None) -> Indicator:
    aim = Target(target, "2025", "T", "P") if target is not None else None
    return Indicator("x", "government", "X", "X", "", "", "%", "%", "year", lower, aim)


def figure(period: str, value: float) -> Figure:
    return Figure(None, period, value, Source("T", "P", "2024-01-01"))


def test_progress_towards_a_target() -> None:
    assert IndicatorView(indicator(False, 80), (figure("2024", 60),), ()).progress() == 0.75
    assert IndicatorView(indicator(False, 80), (figure("2024", 90),), ()).progress() == 1.0
    assert IndicatorView(indicator(True, 20), (figure("2024", 40),), ()).progress() == 0.5
    assert IndicatorView(indicator(True, 20), (figure("2024", 9),), ()).progress() == 1.0
    assert IndicatorView(indicator(False, 80), (), ()).progress() is None
    assert IndicatorView(indicator(False, None), (figure("2024", 1),), ()).progress() is None
    assert IndicatorView(indicator(False, 80), (), ()).empty


def test_dates_and_numbers_as_shown() -> None:
    assert date_label("2023-02-01") == "01/02/2023"
    assert date_label("2022-08") == "08/2022"
    source = Source("Đẩy nhanh Chương trình Chuyển đổi số", "Báo Lâm Đồng", "2023-02-01")
    assert source_line(source) == "Đẩy nhanh Chương trình Chuyển đổi số — Báo Lâm Đồng, 01/02/2023"
    assert number(1740, "vi") == "1.740"
    assert number(1740, "en") == "1,740"
    assert number(96.5, "vi") == "96,5"
    assert number(0, "vi") == "0"


@pytest.mark.parametrize(
    ("screen", "scale"),
    [
        ([1920, 1080], 1.0),
        ([3840, 2160], 2.0),
        ([2560, 1440], 2560 / 1920),
        ([3840, 1080], 1.0),  # the shorter side decides
        ([390, 844], 1.0),  # a phone keeps the 1080p sizes
        (None, 1.0),
        ([3840], 1.0),
        (["3840", 2160], 1.0),  # forged input counts as a 1080p wall
        ([True, 2160], 1.0),
        ([10**9, 2160], 1.0),
    ],
)
def test_charts_are_drawn_for_the_screen_the_browser_reported(screen: object, scale: float) -> None:
    assert screen_scale(screen) == pytest.approx(scale)
