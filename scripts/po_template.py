"""Write ioc/locale/ioc.pot from the Vietnamese catalogue (the source of the keys).

The template holds every msgid with an empty text and, as a note for translators, the
Vietnamese text; ``pybabel update`` then carries new keys into the English catalogue
(``make messages``; docs/translations.md). Keys are not extracted from the code: many are
built at run time (``f"incident.action.{action}"``), so extraction would miss them.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from ioc.i18n import DEFAULT_LANGUAGE, DOMAIN, LOCALE_DIR, catalogue_path

SOURCE_NOTE = "vi: "  # prefix of the note that quotes the Vietnamese text
HEADER = (
    "# Template of the Lâm Đồng IOC interface (msgid = the key ioc.i18n.t() is called with).\n"
    "# Workflow: docs/translations.md\n"
    "#"
)


def template(source: Catalog) -> Catalog:
    """Every msgid of ``source`` with an empty text, its notes and the source text as a note."""
    pot = Catalog(
        domain=DOMAIN,
        project="lamdong-ioc",
        version="0.1.0",
        header_comment=HEADER,
        creation_date=source.creation_date,
        fuzzy=False,
    )
    for message in source:
        if message.id:
            notes = [c for c in message.auto_comments if not c.startswith(SOURCE_NOTE)]
            pot.add(message.id, "", auto_comments=[*notes, f"{SOURCE_NOTE}{message.string}"])
    return pot


def main() -> None:
    with catalogue_path(DEFAULT_LANGUAGE).open("rb") as handle:
        source = read_po(handle, domain=DOMAIN, abort_invalid=True)
    path: Path = LOCALE_DIR / f"{DOMAIN}.pot"
    with path.open("wb") as handle:
        write_po(handle, template(source), sort_output=False)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
