"""docs/kpi.md is generated from the weights file and is up to date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ioc.kpi.weights import default_weights

ROOT = Path(__file__).resolve().parents[2]


def test_kpi_doc_is_generated_from_the_weights_file() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "kpi_docs.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    text = (ROOT / "docs" / "kpi.md").read_text(encoding="utf-8")
    weights = default_weights()
    for item in weights.indicators:
        assert f"| `{item.code}` | {item.name_vi}" in text
    assert weights.source in text
