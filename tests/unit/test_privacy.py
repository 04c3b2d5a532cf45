"""The one masking function (pages, exports, Open311) on Vietnamese personal data."""

from __future__ import annotations

import pytest

from ioc.reports.privacy import redact, shown


@pytest.mark.parametrize(
    "phone",
    [
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "0912345678",
        "+84 912345678",
        "+84 912 345 678",
        "+84-912-345-678",
        "+84 (0) 912 345 678",
        "84912345678",
        "028.3829.xxxx",
        "028 3829 1234",
        "(028) 3829 1234",
        "0263 3822 123",
        "0263.3822.123",
    ],
)
def test_vietnamese_phone_numbers_are_masked(phone: str) -> None:
    assert redact(f"Liên hệ {phone} nhé") == "Liên hệ *** nhé"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("nhà chị Lan, lan@example.vn", "nhà chị ***, ***"),
        ("ông Nguyễn Văn Tư báo cháy", "ông *** báo cháy"),
        ("tôi là Hùng ở hẻm 45/7 đường 3/2", "tôi là *** ở hẻm *** đường 3/2"),
        ("số 12/3 Phan Đình Phùng", "số *** Phan Đình Phùng"),
        ("ở 12 Trần Phú", "ở *** Trần Phú"),
        ("CCCD 068123456789", "CCCD ***"),
    ],
)
def test_names_addresses_and_numbers_inside_free_text(text: str, masked: str) -> None:
    assert redact(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "anh em trong tổ dân phố",  # forms of address without a name
        "lúc 14:30 ngày 02.03.2025, giá 10.000 đồng",  # times, dates, prices
        "Rác ở Quốc lộ 20 từ 01/03/2026, km 12",
        "tọa độ 11.9404, 108.4419",
        "năm 2024 có 3 vụ",
    ],
)
def test_what_is_not_personal_stays(text: str) -> None:
    assert redact(text) == text


def test_shown_whole_only_to_who_may_contact() -> None:
    text = "Gọi chị Mai 0909 123 456\x07"
    assert shown(text, contact=True) == "Gọi chị Mai 0909 123 456"
    assert shown(text, contact=False) == "Gọi chị *** ***"
    assert shown(None, contact=True) == "" and shown(None, contact=False) == ""
