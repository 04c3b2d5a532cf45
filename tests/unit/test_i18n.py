"""The translation table: every key in every language, Vietnamese by default."""

from __future__ import annotations

import string

import pytest

from ioc.i18n import DEFAULT_LANGUAGE, LANGUAGES, TEXTS, language_or_default, t


def test_every_key_has_every_language() -> None:
    for key, texts in TEXTS.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(text.strip() for text in texts.values()), key


def test_placeholders_are_the_same_in_every_language() -> None:
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for key, texts in TEXTS.items():
        assert fields(texts["vi"]) == fields(texts["en"]), key


def test_vietnamese_is_the_default() -> None:
    assert DEFAULT_LANGUAGE == "vi"
    assert t("app.title") == "Trung tâm Giám sát, điều hành thông minh tỉnh Lâm Đồng"
    assert t("overview.no_alarms") == "Không có camera nào đang báo động"


def test_english_switch_and_unknown_language() -> None:
    assert t("app.title", "en") == "Lâm Đồng Province Intelligent Operations Center"
    assert t("app.title", "fr") == t("app.title", "vi")
    assert language_or_default("en") == "en"
    assert language_or_default(None) == "vi"


def test_placeholders_are_filled() -> None:
    assert t("overview.updated", "vi", time="08:15:00") == "Cập nhật lúc 08:15:00"
    assert t("overview.updated", "en", time="08:15:00") == "Updated at 08:15:00"


def test_unknown_key_is_an_error() -> None:
    with pytest.raises(KeyError):
        t("no.such.key", "vi")


def test_every_incident_action_has_a_label() -> None:
    """The field page names the action it applied; "note" had no label (a 500, issue #17)."""
    from ioc.incidents.lifecycle import ACTIONS, STATUSES

    missing = [f"incident.action.{a}" for a in ACTIONS if f"incident.action.{a}" not in TEXTS]
    missing += [f"incident.status.{s}" for s in STATUSES if f"incident.status.{s}" not in TEXTS]
    assert missing == []
