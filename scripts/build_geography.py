"""Rebuild the shipped approximate geography: ``data/geography/lamdong_cells.geojson``.

    python scripts/build_geography.py            # about a minute and ~1 GB of memory peak
    python scripts/build_geography.py --check    # rebuild in memory, say whether it changed
    python scripts/build_geography.py --measure ../shared/data   # the figures of the docs

The cells come from the ``vietnamadminunits`` package (centres, boxes, which old communes
formed each 2025 ward) and the facts in ``data/geography/lamdong_pre2025.toml``; see
docs/geography.md for the method. Run it after upgrading the package or changing the
method, then commit the file; the IOC only reads it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ioc.geography.approximate import RESOLUTION_KM, build_cells, cells_geojson, cells_text
from ioc.geography.compare import measure_reference
from ioc.geography.defaults import CELLS_FILE, build_default_units, load_facts
from ioc.reports.routing import TreeLocator


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=CELLS_FILE, help="file to write")
    parser.add_argument("--resolution-km", type=float, default=RESOLUTION_KM, help="pixel size")
    parser.add_argument("--check", action="store_true", help="only compare with --out")
    parser.add_argument(
        "--measure",
        type=Path,
        metavar="DIR",
        help="only measure the shipped units against "
        "the reference files in DIR (lamdong_wards_2025.geojson, lamdong_districts.geojson)",
    )
    parser.add_argument(
        "--results",
        type=Path,
        metavar="JSON",
        help="with --measure: also write the figures "
        "to this file (bench/results/geography.json, quoted by docs/geography.md)",
    )
    args = parser.parse_args()
    if args.measure is not None:
        return measure(args.measure, args.results)
    facts = load_facts()
    collection = cells_geojson(build_cells(facts.province_code, args.resolution_km), facts)
    text = cells_text(collection)
    if args.check:
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == text
        print(f"{args.out}: {'up to date' if same else 'differs from a rebuild'}")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {len(collection['features'])} cells to {args.out}")
    return 0


def measure(data: Path, results: Path | None = None) -> int:
    """Print the figures docs/geography.md reports (and write them to ``results``)."""
    figures = measure_reference(data, build_default_units(), TreeLocator.of_records)
    ratios = sorted(figures.ward_area_ratios)
    print(f"ward area agreement      {figures.ward_agreement:.1%}")
    print(f"  tuning half (even)     {figures.ward_agreement_tuning:.1%}")
    print(f"  held-out half (odd)    {figures.ward_agreement_held_out:.1%}")
    print(f"district area agreement  {figures.district_agreement:.1%}")
    print(
        f"ward area / reference    median {ratios[len(ratios) // 2]:.2f}, "
        f"min {ratios[0]:.2f}, max {ratios[-1]:.2f}"
    )
    right = figures.centres_total - len(figures.wrong_centres)
    print(f"ward centres right       {right} of {figures.centres_total}")
    print(
        f"grid points (2 km)       {figures.points}, without a unit "
        f"{figures.points_without_unit}, nearest-unit rule {figures.points_nearest}"
    )
    if results is not None:
        figures_json = {
            "command": "python scripts/build_geography.py --measure ../shared/data "
            f"--results {results}",
            "cells_file": CELLS_FILE.name,
            "ward_area_agreement": round(figures.ward_agreement, 4),
            "ward_area_agreement_tuning_half_even": round(figures.ward_agreement_tuning, 4),
            "ward_area_agreement_held_out_half_odd": round(figures.ward_agreement_held_out, 4),
            "district_area_agreement": round(figures.district_agreement, 4),
            "ward_area_ratio": {
                "median": round(ratios[len(ratios) // 2], 3),
                "min": round(ratios[0], 3),
                "max": round(ratios[-1], 3),
            },
            "ward_centres_right": right,
            "ward_centres": figures.centres_total,
            "grid_points": figures.points,
            "grid_points_without_unit": figures.points_without_unit,
            "grid_points_nearest_unit_rule": figures.points_nearest,
        }
        results.write_text(json.dumps(figures_json, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {results}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
