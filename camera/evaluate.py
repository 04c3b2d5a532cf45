"""Evaluate the chain on labelled footage: per clip, per frame, per event, with boxes.

A manifest (``manifest.csv`` in the directory, or one named with ``--manifest``) lists
``file,label,ignition_s,frame_interval_s`` and optionally ``boxes`` and ``view``:

* ``file``: a video, a still image or a folder of images (a sequence, in name order);
* ``label``: ``smoke``, ``fire`` or ``none``;
* ``ignition_s``: real seconds from the first frame to ignition (empty: from the start);
* ``frame_interval_s``: real seconds between a folder's frames. Where every image name
  starts with a Unix time (``1465063200_...jpg``, as tower cameras name them) those times
  are used instead;
* ``boxes``: a folder of YOLO label files (``class cx cy w h`` in fractions), one per
  labelled frame with the frame's stem; an event is on the plume when its box overlaps a
  labelled box of the nearest labelled frame (within two frame intervals);
* ``view``: a JSON file ``{"masks": [...], "horizon": {...}}``, the camera's drawn geometry.

Paths are relative to the manifest's folder. A CSV without a header is read by position
(file, label, ignition) so the shared ``fire_samples/manifest.csv`` works as it is.

Scoring: a clip's event is *true* when it is of the clip's kind, at or after ignition and,
where boxes are known, on a labelled box; every other event is a false alarm (before
ignition, off the plume, or of a kind the clip does not show). False alarms are also given
per camera-day of negative footage (clips labelled ``none`` and the time before ignition).
Per frame, a frame after ignition is positive, and the chain's raw detections of the clip's
kind say whether it saw something there.
"""

from __future__ import annotations

import csv
import itertools
import json
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from camera.capture import downscale, open_capture, sampled_frames
from camera.chain import Chain
from camera.detectors import load_detectors
from camera.stills import IMAGE_SUFFIXES, folder_images, sequence_times
from camera.types import Box, CameraView, Image, iou
from ioc.config import CameraWorkerSettings

LABELS = ("smoke", "fire", "none")
CLASSES = ("smoke", "fire")
DAY_S = 86400.0


@dataclass(frozen=True)
class Sample:
    file: Path
    label: str
    ignition_s: float | None = None
    frame_interval_s: float | None = None
    boxes: Path | None = None
    view: CameraView = field(default_factory=CameraView)


@dataclass(frozen=True)
class Event:
    t: float
    kind: str
    score: float
    box: Box = (0.0, 0.0, 0.0, 0.0)
    on_plume: bool | None = None


@dataclass
class ClipResult:
    sample: Sample
    duration_s: float = 0.0
    frames: int = 0
    is_video: bool = True
    events: list[Event] = field(default_factory=list)
    frame_hits: list[tuple[float, bool]] = field(default_factory=list)


def _float_or_none(text: object) -> float | None:
    if text in (None, ""):
        return None
    try:
        return float(str(text))
    except ValueError as exc:
        raise ValueError(f"not a number: {text!r}") from exc


def read_manifest(directory: Path, manifest: Path | None = None) -> list[Sample]:
    """Samples listed in the manifest (``directory/manifest.csv`` unless given)."""
    path = manifest or directory / "manifest.csv"
    if not path.is_file():
        raise FileNotFoundError(f"no manifest.csv in {directory}")
    base = path.parent if manifest is not None else directory
    samples = []
    for line, row in enumerate(_csv_rows(path), start=2):
        if row.get("label") not in LABELS:
            continue
        try:
            samples.append(_sample(row, base, directory))
        except ValueError as exc:
            raise ValueError(f"{path.name} row {line}: {exc}") from exc
    return samples


def _sample(row: dict[str, str], base: Path, directory: Path) -> Sample:
    boxes = row.get("boxes") or ""
    view_file = row.get("view") or ""
    view = CameraView()
    if view_file:
        data = json.loads((base / view_file).read_text(encoding="utf-8"))
        view = CameraView.from_data(data.get("masks"), data.get("horizon"))
    return Sample(
        file=directory / row["file"],
        label=row["label"],
        ignition_s=_float_or_none(row.get("ignition_s", row.get("ignition"))),
        frame_interval_s=_float_or_none(row.get("frame_interval_s")),
        boxes=base / boxes if boxes else None,
        view=view,
    )


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.reader(handle) if r]
    if rows and rows[0] and rows[0][0].strip().lower() == "file":
        header = [h.strip().lower() for h in rows[0]]
        return [dict(zip(header, (c.strip() for c in r), strict=False)) for r in rows[1:]]
    return [
        {
            "file": r[0].strip(),
            "label": r[1].strip() if len(r) > 1 else "",
            "ignition_s": _numeric(r[2:3]),
        }
        for r in rows
    ]


def _numeric(cells: list[str]) -> str:
    """A header-less row's third cell when it is a number (other CSVs keep notes there)."""
    try:
        return str(float(cells[0])) if cells and cells[0].strip() else ""
    except ValueError:
        return ""


def sample_frames(
    sample: Sample, settings: CameraWorkerSettings, still_repeats: int
) -> Iterator[tuple[float, Image, str]]:
    """(t, frame, stem) of a video, a still image or a folder of images; t in seconds."""
    path = sample.file
    if path.is_dir():
        images = folder_images(path)
        times = sequence_times(images, sample.frame_interval_s)
        for t, image_path in zip(times, images, strict=True):
            yield t, _read_image(image_path, settings.analysis_width), image_path.stem
    elif path.suffix.lower() in IMAGE_SUFFIXES:
        image = _read_image(path, settings.analysis_width)
        interval = sample.frame_interval_s or 1.0
        for i in range(still_repeats):
            yield i * interval, image, path.stem
    else:
        cap = open_capture(str(path))
        if cap is None:
            raise OSError(f"cannot open video {path}")
        try:
            for t, frame in sampled_frames(
                cap, settings.analysis_fps, True, settings.analysis_width
            ):
                yield t, frame, ""
        finally:
            cap.release()


def _read_image(path: Path, width: int) -> Image:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise OSError(f"cannot read image {path}")
    return downscale(np.asarray(image, dtype=np.uint8), width)


def read_boxes(folder: Path | None) -> dict[str, list[Box]]:
    """YOLO label files of a folder: stem → boxes (x, y, w, h fractions)."""
    if folder is None:
        return {}
    if not folder.is_dir():
        raise FileNotFoundError(f"boxes folder not found: {folder}")
    boxes: dict[str, list[Box]] = {}
    for label_file in sorted(folder.glob("*.txt")):
        rows = [r.split() for r in label_file.read_text(encoding="utf-8").splitlines() if r]
        boxes[label_file.stem] = [
            (float(cx) - float(w) / 2, float(cy) - float(h) / 2, float(w), float(h))
            for _cls, cx, cy, w, h in (r[:5] for r in rows)
        ]
    return boxes


def run_clip(sample: Sample, settings: CameraWorkerSettings, still_repeats: int = 5) -> ClipResult:
    """Run the full chain (fresh state) over one sample and collect events and frame hits."""
    still = sample.file.suffix.lower() in IMAGE_SUFFIXES
    chain = Chain(load_detectors(settings), settings, view=sample.view, still=still)
    result = ClipResult(sample, is_video=not still)
    labelled = read_boxes(sample.boxes)
    stem_times: dict[str, float] = {}
    last_t = 0.0
    for t, frame, stem in sample_frames(sample, settings, still_repeats):
        out = chain.process(frame, t)
        stem_times[stem] = t
        result.frames += 1
        result.duration_s, last_t = t, t
        seen = any(d.kind == sample.label for d in out.detections)
        result.frame_hits.append((t, seen))
        for e in out.events:
            result.events.append(Event(t, e.detection.kind, e.detection.score, e.detection.box))
    result.duration_s = last_t + _frame_step(sample, settings, result)
    if labelled:
        result.events = [_check_box(e, labelled, stem_times, sample) for e in result.events]
    return result


def _frame_step(sample: Sample, settings: CameraWorkerSettings, result: ClipResult) -> float:
    if not result.frames or not result.is_video:
        return 0.0
    if sample.file.is_dir():
        times = [t for t, _ in result.frame_hits]
        gaps = [b - a for a, b in itertools.pairwise(times)]
        return statistics.median(gaps) if gaps else (sample.frame_interval_s or 1.0)
    return 1.0 / settings.analysis_fps


def _check_box(
    event: Event, labelled: dict[str, list[Box]], stem_times: dict[str, float], sample: Sample
) -> Event:
    """The event marked on or off the plume by the nearest labelled frame, if near enough."""
    timed = [(abs(stem_times[s] - event.t), s) for s in labelled if s in stem_times]
    step = sample.frame_interval_s or 60.0
    if not timed or min(timed)[0] > 2 * step:
        return event
    stem = min(timed)[1]
    on = any(iou(event.box, box) > 0 for box in labelled[stem])
    return Event(event.t, event.kind, event.score, event.box, on)


def _is_true(result: ClipResult, event: Event) -> bool:
    ignition = result.sample.ignition_s or 0.0
    in_time = event.kind == result.sample.label and event.t >= ignition - 1e-6
    return in_time and event.on_plume is not False


def false_alarms(result: ClipResult) -> int:
    """Events before ignition, off the labelled plume, or of a kind the clip does not show."""
    return sum(not _is_true(result, e) for e in result.events)


def time_to_detect(result: ClipResult) -> float | None:
    """Seconds from ignition to the first correct event (None when missed)."""
    hits = [e.t for e in result.events if _is_true(result, e)]
    return min(hits) - (result.sample.ignition_s or 0.0) if hits else None


def negative_seconds(result: ClipResult) -> float:
    """Footage without the clip's smoke or fire: all of a ``none`` clip, else pre-ignition."""
    if not result.is_video:
        return 0.0
    if result.sample.label == "none":
        return result.duration_s
    return min(result.sample.ignition_s or 0.0, result.duration_s)


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def per_frame(results: list[ClipResult]) -> dict[str, Any]:
    """Frame-level precision and recall of the raw detections of each clip's kind."""
    tp = fp = fn = tn = 0
    for r in results:
        if not r.is_video:
            continue
        ignition = r.sample.ignition_s or 0.0
        for t, seen in r.frame_hits:
            positive = r.sample.label in CLASSES and t >= ignition - 1e-6
            tp += positive and seen
            fn += positive and not seen
            fp += (not positive) and seen
            tn += (not positive) and not seen
    return {
        "precision": _ratio(tp, tp + fp),
        "recall": _ratio(tp, tp + fn),
        "counts": {"tp": tp, "fp": fp, "fn": fn, "tn": tn},
    }


def clip_summary(result: ClipResult) -> dict[str, Any]:
    """One clip as the JSON report gives it (times in real seconds, boxes x0,y0,x1,y1)."""
    ignition = result.sample.ignition_s or 0.0
    return {
        "file": result.sample.file.name,
        "label": result.sample.label,
        "frames": result.frames,
        "first_event_after_ignition_s": time_to_detect(result),
        "events_before_ignition": sum(e.t < ignition - 1e-6 for e in result.events),
        "false_alarms": false_alarms(result),
        "events": [
            {
                "t_s": round(e.t, 2),
                "kind": e.kind,
                "score": e.score,
                "box": [
                    round(v, 4)
                    for v in (e.box[0], e.box[1], e.box[0] + e.box[2], e.box[1] + e.box[3])
                ],
                "on_plume": e.on_plume,
            }
            for e in result.events
        ],
    }


def metrics(results: list[ClipResult]) -> dict[str, Any]:
    """Per-class precision/recall/F1 per clip, per-frame figures, false alarms per
    camera-hour and camera-day of negative footage, box agreement, time to detect."""
    precision, recall, f1, counts = {}, {}, {}, {}
    for cls in CLASSES:
        tp = sum(r.sample.label == cls and time_to_detect(r) is not None for r in results)
        fn = sum(r.sample.label == cls for r in results) - tp
        fp = sum(r.sample.label != cls and any(e.kind == cls for e in r.events) for r in results)
        p, rc = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        precision[cls], recall[cls] = p, rc
        f1[cls] = round(2 * p * rc / (p + rc), 4) if p + rc else 0.0
        counts[cls] = {"tp": tp, "fp": fp, "fn": fn}
    hours = sum(r.duration_s for r in results if r.is_video) / 3600.0
    negative_days = sum(negative_seconds(r) for r in results) / DAY_S
    alarms = sum(false_alarms(r) for r in results)
    checked = [e for r in results for e in r.events if e.on_plume is not None]
    delays = [d for r in results if r.is_video and (d := time_to_detect(r)) is not None]
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "counts": counts,
        "per_frame": per_frame(results),
        "false_alarms": alarms,
        "false_alarms_per_camera_hour": round(alarms / hours, 2) if hours else 0.0,
        "negative_camera_days": round(negative_days, 4),
        "false_alarms_per_camera_day": round(alarms / negative_days, 2) if negative_days else None,
        "events_box_checked": len(checked),
        "events_on_plume_share": _ratio(sum(bool(e.on_plume) for e in checked), len(checked))
        if checked
        else None,
        "median_time_to_detect_s": round(statistics.median(delays), 2) if delays else None,
        "clips": len(results),
        "video_hours": round(hours, 4),
    }


def evaluate(
    directory: Path,
    settings: CameraWorkerSettings,
    progress: Callable[[str], None] | None = None,
    manifest: Path | None = None,
) -> tuple[list[ClipResult], dict[str, Any]]:
    """Run every sample of the manifest; return the clip results and metrics."""
    samples = read_manifest(directory, manifest)
    results = []
    for i, sample in enumerate(samples, 1):
        result = run_clip(sample, settings)
        results.append(result)
        if progress is not None:
            kinds = ",".join(f"{e.kind}@{e.t:.0f}s" for e in result.events) or "-"
            progress(
                f"[{i}/{len(samples)}] {sample.file.name} label={sample.label} "
                f"frames={result.frames} events={kinds}"
            )
    return results, metrics(results)
