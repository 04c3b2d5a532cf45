"""The catalogues: every key in every language, Vietnamese by default."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from ioc.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    LOCALE_DIR,
    TEXTS,
    catalogue_path,
    language_or_default,
    load_texts,
    problems,
    t,
)

CONTENT_TYPE = "text/plain; charset=utf-8"


def write_catalogues(root: Path, vi: str, en: str) -> Path:
    """Two small ``.po`` files as a translator's editor would leave them."""
    for lang, body in zip(LANGUAGES, (vi, en), strict=True):
        path = catalogue_path(lang, root)
        path.parent.mkdir(parents=True)
        header = (
            f'msgid ""\nmsgstr ""\n"Language: {lang}\\n"\n"Content-Type: {CONTENT_TYPE}\\n"\n\n'
        )
        path.write_text(header + body, encoding="utf-8")
    return root


def test_every_key_has_every_language_with_the_same_placeholders() -> None:
    assert len(TEXTS) > 300
    assert problems(TEXTS) == []


def test_the_template_lists_the_keys_of_the_catalogues_in_their_order() -> None:
    with (LOCALE_DIR / "ioc.pot").open("rb") as handle:
        template = [m.id for m in read_po(handle) if m.id]
    for lang in LANGUAGES:
        with catalogue_path(lang).open("rb") as handle:
            assert [m.id for m in read_po(handle) if m.id] == template, lang
    assert template == list(TEXTS)


def test_a_good_pair_of_catalogues_passes(tmp_path: Path) -> None:
    root = write_catalogues(
        tmp_path,
        'msgid "a.time"\nmsgstr "Lúc {time}"\n',
        'msgid "a.time"\nmsgstr "At {time}"\n',
    )
    texts = load_texts(root)
    assert dict(texts["a.time"]) == {"vi": "Lúc {time}", "en": "At {time}"}
    assert problems(texts) == []


@pytest.mark.parametrize(
    ("en", "problem"),
    [
        ("", "a.time: no text in en"),  # the key is missing from the English catalogue
        ('msgid "a.time"\nmsgstr ""\n', "a.time: no text in en"),  # left untranslated
        ('msgid "a.time"\nmsgstr "   "\n', "a.time: no text in en"),  # blank
        ('#, fuzzy\nmsgid "a.time"\nmsgstr "At {time}"\n', "a.time: no text in en"),
        ('msgid "a.time"\nmsgstr "At {hour}"\n', "a.time: placeholders differ"),
        ('msgid "a.time"\nmsgstr "At the time"\n', "a.time: placeholders differ"),
    ],
)
def test_a_wrong_or_missing_translation_is_reported(tmp_path: Path, en: str, problem: str) -> None:
    root = write_catalogues(tmp_path, 'msgid "a.time"\nmsgstr "Lúc {time}"\n', en)
    found = problems(load_texts(root))
    assert len(found) == 1
    assert found[0].startswith(problem)


def test_a_key_only_in_english_is_reported(tmp_path: Path) -> None:
    root = write_catalogues(tmp_path, "", 'msgid "b.only"\nmsgstr "Only"\n')
    assert problems(load_texts(root)) == ["b.only: no text in vi"]


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
