"""``ioc cameras run|eval|synth``: the forest-watch camera worker and its evaluation."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from ioc.commands import add_command
from ioc.config import Settings
from ioc.runtime import Orchestrator

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    cameras = add_command(
        subparsers, "cameras", "Phân tích camera rừng / forest-watch camera worker"
    )
    sub = cameras.add_subparsers(dest="cameras_command", metavar="ACTION")
    run = add_command(
        sub, "run", "Đọc luồng camera, phát hiện khói/lửa / analyse the registered streams"
    )
    run.set_defaults(handler=run_worker)
    ev = add_command(sub, "eval", "Đánh giá bộ phát hiện / evaluate on labelled clips")
    ev.add_argument("directory", type=Path, help="folder with manifest.csv or manifest.json")
    ev.add_argument("--fps", type=float, help="analysis frames per second (default: config)")
    ev.set_defaults(handler=run_eval)
    synth = add_command(sub, "synth", "Tạo clip tổng hợp / write the synthetic clip set")
    synth.add_argument("directory", type=Path, help="output folder (clips + manifest.csv)")
    synth.add_argument("--seconds", type=float, default=8.0, help="length of each clip")
    synth.set_defaults(handler=run_synth)
    cameras.set_defaults(handler=lambda a, s: _usage(cameras))


def run_worker(_args: argparse.Namespace, settings: Settings) -> int:
    from camera.worker import camera_task

    orchestrator = Orchestrator()
    orchestrator.add("cameras", camera_task(settings))
    orchestrator.install_signal_handlers()
    return orchestrator.run()


def run_eval(args: argparse.Namespace, settings: Settings) -> int:
    from camera.evaluate import evaluate

    worker = settings.camera_worker
    if args.fps:
        worker = worker.model_copy(update={"analysis_fps": args.fps})
    try:
        _results, summary = evaluate(args.directory, worker, progress=_err)
    except (OSError, ValueError) as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 1
    for cls in ("smoke", "fire"):
        print(
            f"{cls:5s}  precision {summary['precision'][cls]:.2f}  recall "
            f"{summary['recall'][cls]:.2f}  F1 {summary['f1'][cls]:.2f}  {summary['counts'][cls]}"
        )
    print(f"false alarms per camera-hour: {summary['false_alarms_per_camera_hour']}")
    print(f"median time to detect (s): {summary['median_time_to_detect_s']}")
    keys = ("precision", "recall", "f1", "false_alarms_per_camera_hour", "median_time_to_detect_s")
    print(json.dumps({k: summary[k] for k in keys}))
    return 0


def run_synth(args: argparse.Namespace, _settings: Settings) -> int:
    from camera.synthetic import build_set

    manifest = build_set(args.directory, seconds=args.seconds)
    print(manifest)
    return 0


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _err(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
