"""Scene-change detector figures: made-up scenes per kind, real same-view pairs, made-up
changes on real pictures (see :mod:`camera.scene.evaluate` for the scoring and the seeds).

    python bench/scene_change.py --out bench/results/scene_change.json

Real pictures come from ``--data`` (default ``../shared/data/fire_sequences`` beside the
project); without them only the made-up scenes are measured.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import add_out_argument, emit  # noqa: E402
from camera.scene import evaluate  # noqa: E402
from ioc.config.scene_change import SceneChangeSettings  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="made-up scenes of each kind")
    parser.add_argument("--real-n", type=int, default=10, help="made-up changes per real view")
    parser.add_argument(
        "--data",
        type=Path,
        default=ROOT.parent / "shared" / "data" / "fire_sequences",
        help="folder of HPWREN sequences (one folder each)",
    )
    add_out_argument(parser)
    args = parser.parse_args()
    settings = SceneChangeSettings()
    started = time.perf_counter()
    result: dict[str, Any] = {
        "bench": "scene_change",
        "n": args.n,
        "seeds_from": evaluate.REPORT_SEED,
    }
    print("made-up scenes...", file=sys.stderr)
    result["made_up"] = evaluate.made_up(args.n, settings)
    views = ROOT / "camera" / "eval" / "hpwren"
    if args.data.is_dir():
        print("real same-view pairs...", file=sys.stderr)
        result["real_pairs"] = evaluate.real_pairs(args.data, views, settings)
        print("made-up changes on real pictures...", file=sys.stderr)
        result["real_backgrounds"] = evaluate.real_backgrounds(
            args.data, views, settings, args.real_n
        )
    else:
        result["real_pairs"] = None
    result["seconds"] = round(time.perf_counter() - started, 1)
    emit(result, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
