"""Official natural areas of the 2025 communes where the registry package's figure is wrong.

The approximate polygons are sized by each ward's official area. ``vietnamadminunits``
carries an area per 2025 commune; for a few of Lâm Đồng's it differs from the figure on
the Ministry's merger portal (Trường Xuân: 67.94 km² against 332.47). The official
figures are kept, with their source, in ``data/geography/ward_areas_2025.toml``.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from ioc.geography.dataset import Place

AREAS_FILE = Path(__file__).resolve().parents[2] / "data" / "geography" / "ward_areas_2025.toml"


@dataclasses.dataclass(frozen=True)
class AreaCorrection:
    """One 2025 commune whose official area differs from the package's."""

    code: str
    name: str
    km2: float
    package_km2: float


@lru_cache(maxsize=2)
def load_corrections(path: Path = AREAS_FILE) -> dict[str, AreaCorrection]:
    """Code → correction, from the shipped table."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    if not isinstance(raw.get("areas"), dict):
        raise ValueError(f"{path}: no [areas] table of code = {{ name, km2, package_km2 }}")
    return {
        str(code): AreaCorrection(str(code), row["name"], float(row["km2"]), row["package_km2"])
        for code, row in raw["areas"].items()
    }


def with_official_areas(
    wards: Sequence[Place], corrections: dict[str, AreaCorrection] | None = None
) -> list[Place]:
    """The wards with the official area wherever the table corrects the package's."""
    table = load_corrections() if corrections is None else corrections
    return [
        dataclasses.replace(w, area_km2=table[w.code].km2) if w.code in table else w for w in wards
    ]
