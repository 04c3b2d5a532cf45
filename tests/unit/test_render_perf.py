"""scripts/render_perf.py: the docs' result blocks come from the results files, and the
docs in the repository are what bench/results says."""

from __future__ import annotations

import json
from pathlib import Path

from scripts.render_perf import main, rendered

DOC = "# x\n\n<!-- results: ingest -->\nhand-typed 11,265\n<!-- /results -->\n\nprose\n"


def test_a_block_is_rendered_from_the_files_with_date_machine_and_command(tmp_path: Path) -> None:
    meta = {"date": "2026-12-06 16:00 UTC", "machine": "2 CPUs", "command": "python bench/x"}
    result = {"bench": "ingest", "msgs_per_s": 4173.6, "lost": 0, "ratio": 1.04, "meta": meta}
    (tmp_path / "ingest.json").write_text(json.dumps(result))
    out = rendered(DOC, tmp_path)
    assert "hand-typed" not in out
    assert "| `ingest.json` |" in out
    assert "4,174" in out and "1.04" in out
    assert "2026-12-06 16:00 UTC, 2 CPUs: `python bench/x`" in out
    assert out.endswith("<!-- /results -->\n\nprose\n")


def test_a_block_without_results_says_so(tmp_path: Path) -> None:
    assert "No results file yet" in rendered(DOC, tmp_path)


def test_the_docs_are_what_the_results_files_say() -> None:
    assert main(["--check"]) == 0
