"""The shipped cells file is what the committed method builds (about a minute, 1 GB)."""

from __future__ import annotations

from ioc.geography.approximate import build_cells, cells_geojson, cells_text
from ioc.geography.defaults import CELLS_FILE, load_facts


def test_the_shipped_cells_are_a_fresh_build_of_the_committed_method() -> None:
    """A change to the method, its facts files or the package that is not followed by
    ``python scripts/build_geography.py`` (and a commit of the file) fails here."""
    facts = load_facts()
    built = cells_geojson(build_cells(facts.province_code), facts)
    text = cells_text(built)
    shipped = CELLS_FILE.read_text(encoding="utf-8")
    assert len(built["features"]) == 331
    assert text == shipped, "data/geography/lamdong_cells.geojson is stale: rebuild it"
