"""The texts of the interface: Vietnamese by default, English on request.

Layouts never hold literal text: they call :func:`t` with a key. The texts live in gettext
catalogues, one per language of :data:`LANGUAGES`, read with Babel when this module is
imported::

    ioc/locale/vi/LC_MESSAGES/ioc.po   Vietnamese, the source (msgid = the key)
    ioc/locale/en/LC_MESSAGES/ioc.po   English (each entry notes the Vietnamese it translates)
    ioc/locale/ioc.pot                 the template: every key, empty texts

Every key has a non-empty text in every language with the same placeholders (a unit test
runs :func:`problems`); a fuzzy entry counts as missing, as gettext would not use it.
Placeholders use ``str.format`` names, e.g. ``t("overview.updated", lang, time="08:00")``.

Translators' workflow (docs/translations.md): add or change a key in the Vietnamese
catalogue, ``make messages`` (template, then ``pybabel update`` of the English one), then
fill in the English in Poedit or any editor; ``pytest tests/unit/test_i18n.py`` checks.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Final, Literal, TypeGuard

from babel.messages.pofile import read_po

Language = Literal["vi", "en"]

DEFAULT_LANGUAGE: Final[Language] = "vi"
LANGUAGES: Final[tuple[Language, ...]] = ("vi", "en")
DOMAIN: Final = "ioc"
LOCALE_DIR: Final = Path(__file__).with_name("locale")

Texts = Mapping[str, Mapping[Language, str]]


def catalogue_path(lang: Language, locale_dir: Path = LOCALE_DIR) -> Path:
    """The ``.po`` file of ``lang``."""
    return locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(path: Path) -> dict[str, str]:
    """``msgid -> msgstr`` of one ``.po`` file, in its order (fuzzy and empty entries left out)."""
    with path.open("rb") as handle:
        catalog = read_po(handle, domain=DOMAIN, abort_invalid=True)
    return {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and message.string and not message.fuzzy
    }


def load_texts(locale_dir: Path = LOCALE_DIR) -> Texts:
    """``key -> {language: text}`` from the catalogues, keys in the Vietnamese order."""
    catalogues = {lang: read_catalogue(catalogue_path(lang, locale_dir)) for lang in LANGUAGES}
    keys = dict.fromkeys(key for catalogue in catalogues.values() for key in catalogue)
    return MappingProxyType(
        {
            key: MappingProxyType(
                {lang: catalogues[lang][key] for lang in LANGUAGES if key in catalogues[lang]}
            )
            for key in keys
        }
    )


def placeholders(text: str) -> set[str]:
    """The ``str.format`` field names of ``text``."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def problems(texts: Texts) -> list[str]:
    """What is wrong with ``texts``: a language without text, or placeholders that differ."""
    found = []
    for key, by_language in texts.items():
        missing = [lang for lang in LANGUAGES if not by_language.get(lang, "").strip()]
        if missing:
            found.append(f"{key}: no text in {', '.join(missing)}")
            continue
        names = {lang: placeholders(by_language[lang]) for lang in LANGUAGES}
        if len({frozenset(n) for n in names.values()}) > 1:
            found.append(f"{key}: placeholders differ {names}")
    return found


TEXTS: Final[Texts] = load_texts()


def is_language(value: object) -> TypeGuard[Language]:
    """Whether ``value`` names a language of the interface."""
    return value in LANGUAGES


def language_or_default(value: object) -> Language:
    """``value`` if it is a known language, else Vietnamese."""
    return value if is_language(value) else DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text of ``key`` in ``lang`` (Vietnamese for an unknown language).

    An unknown key raises ``KeyError``: a missing translation is a bug, not a blank label.
    """
    text = TEXTS[key][language_or_default(lang)]
    return text.format(**values) if values else text
