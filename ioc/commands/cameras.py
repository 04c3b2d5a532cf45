"""``ioc cameras run|import|shards|eval|synth|changes``: the forest-watch camera worker, the
camera registry, how several workers split the cameras, the evaluation of its detectors, and
the scene change between two pictures of one view."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from ioc.config import Settings
from ioc.runtime import Orchestrator
from ioc.subcommand import add_command

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
    ev.add_argument(
        "directory", type=Path, help="folder of the clips (and of manifest.csv unless --manifest)"
    )
    ev.add_argument("--fps", type=float, help="analysis frames per second (default: config)")
    ev.add_argument(
        "--manifest",
        type=Path,
        help="manifest CSV elsewhere (default: DIR/manifest.csv); its paths of boxes and "
        "views are relative to it, files relative to DIR",
    )
    ev.add_argument(
        "--json", action="store_true", help="end with one JSON line: every clip and its events"
    )
    ev.set_defaults(handler=run_eval)
    imp = add_command(
        sub,
        "import",
        "Đăng ký camera từ CSV / add or update cameras from a CSV "
        "(id,name,lon,lat[,unit_code,height_m,direction_deg,fov_deg,stream_url])",
    )
    imp.add_argument("file", type=Path, metavar="FILE.csv", help="camera list, UTF-8 CSV")
    imp.set_defaults(handler=import_cameras)
    shards = add_command(
        sub, "shards", "Camera nào thuộc tiến trình nào / which worker (shard) takes which camera"
    )
    shards.add_argument(
        "--count",
        type=int,
        help="number of static shards (default: camera_worker.shard_count; in lease mode "
        "without --count: the leases held now)",
    )
    shards.set_defaults(handler=show_shards)
    synth = add_command(sub, "synth", "Tạo clip tổng hợp / write the synthetic clip set")
    synth.add_argument("directory", type=Path, help="output folder (clips + manifest.csv)")
    synth.add_argument("--seconds", type=float, default=8.0, help="length of each clip")
    synth.set_defaults(handler=run_synth)
    changes = add_command(
        sub,
        "changes",
        "So sánh hai ảnh cùng góc nhìn / what was built or cleared between two pictures",
    )
    changes.add_argument("before", type=Path, help="reference picture (JPEG/PNG)")
    changes.add_argument("after", type=Path, help="later picture of the same view")
    changes.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="X0,Y0,X1,Y1",
        help="a rectangle to ignore, as fractions of the picture (repeatable)",
    )
    changes.add_argument(
        "--view",
        type=Path,
        help='the camera\'s drawn view as JSON: {"masks": [...], "horizon": {...}}',
    )
    changes.add_argument(
        "--min-area", type=float, help="smallest change as a share of the picture (default 0.002)"
    )
    changes.add_argument(
        "--out",
        type=Path,
        default=Path("scene-changes"),
        help="folder for the before/after crop pair of each change (default: scene-changes)",
    )
    changes.set_defaults(handler=run_changes)
    cameras.set_defaults(handler=lambda a, s: _usage(cameras))


def run_worker(_args: argparse.Namespace, settings: Settings) -> int:
    from camera.worker import camera_task

    orchestrator = Orchestrator()
    orchestrator.add("cameras", camera_task(settings))
    orchestrator.install_signal_handlers()
    return orchestrator.run()


def import_cameras(args: argparse.Namespace, settings: Settings) -> int:
    """Register the file's cameras, each in the unit its point falls in today."""
    from ioc.sim.demo import locate_cameras
    from ioc.store import open_store
    from ioc.store.cameras import read_camera_csv, upsert_cameras

    try:
        specs = read_camera_csv(args.file)
    except KeyError as exc:
        print(f"import: thiếu cột / missing column {exc} in {args.file}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as exc:
        print(f"import: tệp không đọc được / cannot read {args.file}: {exc}", file=sys.stderr)
        return 1
    store = open_store(settings.database_url)
    try:
        located = locate_cameras(store, specs, date.today(), settings.var_dir)
        with store.session() as session:
            count = upsert_cameras(session, located)
    except SQLAlchemyError as exc:
        print(f"import: cannot write the camera registry: {exc}", file=sys.stderr)
        return 1
    finally:
        store.dispose()
    streams = sum(1 for spec in located if spec.stream_url)
    print(f"{count} camera(s) registered, {streams} with a stream")
    return 0


def show_shards(args: argparse.Namespace, settings: Settings) -> int:
    """Each shard's cameras (those with a stream); in lease mode, who holds which now."""
    from camera.shards import assignment

    count = settings.camera_worker.shard_count if args.count is None else args.count
    if count < 1:
        print("shards: --count phải ≥ 1 / must be at least 1", file=sys.stderr)
        return 2
    try:
        ids, held = _registry_and_leases(settings)
    except SQLAlchemyError as exc:
        print(f"shards: cannot read the camera registry: {exc}", file=sys.stderr)
        return 1
    if settings.camera_worker.assignment == "lease" and args.count is None:
        by_worker: dict[str, list[str]] = {}
        for camera in ids:
            by_worker.setdefault(held.get(camera, "(chưa ai giữ / unheld)"), []).append(camera)
        for worker, cameras in sorted(by_worker.items()):
            print(f"{worker}: {len(cameras)} camera(s) {' '.join(cameras)}")
        return 0
    for shard, cameras in assignment(ids, count).items():
        print(f"shard {shard}/{count}: {len(cameras)} camera(s) {' '.join(cameras)}".rstrip())
    return 0


def _registry_and_leases(settings: Settings) -> tuple[list[str], dict[str, str]]:
    """Camera ids with a stream, and camera → worker of every valid lease."""
    from camera.leases import holders
    from camera.registry import stream_cameras
    from ioc.store import open_store
    from ioc.timeutil import utcnow

    store = open_store(settings.database_url)
    try:
        with store.session() as session:
            ids = [source.id for source in stream_cameras(session)]
            held = (
                holders(session, utcnow()) if settings.camera_worker.assignment == "lease" else {}
            )
        return ids, held
    finally:
        store.dispose()


def run_eval(args: argparse.Namespace, settings: Settings) -> int:
    from camera.evaluate import clip_summary, evaluate

    worker = settings.camera_worker
    if args.fps:
        worker = worker.model_copy(update={"analysis_fps": args.fps})
    try:
        results, summary = evaluate(args.directory, worker, progress=_err, manifest=args.manifest)
    except (OSError, ValueError, KeyError) as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 1
    for cls in ("smoke", "fire"):
        print(
            f"{cls:5s}  precision {summary['precision'][cls]:.2f}  recall "
            f"{summary['recall'][cls]:.2f}  F1 {summary['f1'][cls]:.2f}  {summary['counts'][cls]}"
        )
    frame = summary["per_frame"]
    print(f"per frame: precision {frame['precision']:.2f}  recall {frame['recall']:.2f}")
    print(
        f"false alarms per camera-day of negative footage: {summary['false_alarms_per_camera_day']}"
    )
    print(f"events on the labelled plume: {summary['events_on_plume_share']}")
    print(f"median time to detect (s): {summary['median_time_to_detect_s']}")
    if args.json:
        print(json.dumps({**summary, "clips": [clip_summary(r) for r in results]}))
    else:
        keys = (
            "precision",
            "recall",
            "f1",
            "false_alarms_per_camera_day",
            "median_time_to_detect_s",
        )
        print(json.dumps({k: summary[k] for k in keys}))
    return 0


def run_synth(args: argparse.Namespace, _settings: Settings) -> int:
    from ioc.sim.clips import build_set

    manifest = build_set(args.directory, seconds=args.seconds)
    print(manifest)
    return 0


def run_changes(args: argparse.Namespace, _settings: Settings) -> int:
    from camera.scene.cli import changes_between

    try:
        report = changes_between(
            args.before,
            args.after,
            ignore=args.ignore,
            view_path=args.view,
            min_area=args.min_area,
            out=args.out,
        )
    except (OSError, ValueError) as exc:
        print(f"changes: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report, ensure_ascii=False))
    return 0


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _err(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
