"""Evaluate the chain on labelled clips: precision, recall, F1, false alarms, time to detect.

A manifest (``manifest.csv`` or ``manifest.json`` in the directory) lists ``file``, ``label``
(``smoke``, ``fire`` or ``none``) and optionally ``ignition_s`` (when the smoke or fire
starts; empty means it is there from the first frame). A CSV without a header is read by
position (file, label, ignition) and rows of other labels are skipped, so the
``fire_samples/manifest.csv`` of the shared test data works as it is. Files are videos,
still images (analysed as ``still_repeats`` copies with the single-image rules) or
directories of images (a sequence at ``sequence_fps``).

Scoring is per clip: a clip labelled *c* is a true positive for *c* when the chain raises a
*c* event at or after ignition; an event of a kind the clip is not labelled with, or one
before ignition, is a false alarm. False alarms per camera-hour divide them by the hours of
video analysed.
"""

from __future__ import annotations

import csv
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
from camera.types import Box, Image
from ioc.config import CameraWorkerSettings

LABELS = ("smoke", "fire", "none")
CLASSES = ("smoke", "fire")
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}


@dataclass(frozen=True)
class Sample:
    file: Path
    label: str
    ignition_s: float | None = None


@dataclass(frozen=True)
class Event:
    t: float
    kind: str
    score: float
    box: Box = (0.0, 0.0, 0.0, 0.0)


@dataclass
class ClipResult:
    sample: Sample
    duration_s: float = 0.0
    frames: int = 0
    is_video: bool = True
    events: list[Event] = field(default_factory=list)


def _float_or_none(text: object) -> float | None:
    try:
        return float(str(text))
    except ValueError:
        return None


def read_manifest(directory: Path) -> list[Sample]:
    """Samples listed in ``manifest.json`` or ``manifest.csv`` inside ``directory``."""
    json_path, csv_path = directory / "manifest.json", directory / "manifest.csv"
    if json_path.is_file():
        rows = json.loads(json_path.read_text(encoding="utf-8"))
        entries = [(r["file"], r["label"], r.get("ignition_s")) for r in rows]
    elif csv_path.is_file():
        entries = _csv_entries(csv_path)
    else:
        raise FileNotFoundError(f"no manifest.csv or manifest.json in {directory}")
    return [
        Sample(
            directory / str(f), str(label), _float_or_none(ign) if ign not in (None, "") else None
        )
        for f, label, ign in entries
        if label in LABELS
    ]


def _csv_entries(path: Path) -> list[tuple[str, str, object]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.reader(handle) if r]
    if rows and rows[0] and rows[0][0].strip().lower() == "file":
        header = [h.strip().lower() for h in rows[0]]
        idx = {name: header.index(name) for name in header}
        ign = idx.get("ignition_s", idx.get("ignition"))
        return [
            (r[idx["file"]], r[idx["label"]], r[ign] if ign is not None else None) for r in rows[1:]
        ]
    return [(r[0], r[1], r[2] if len(r) > 2 else None) for r in rows]


def sample_frames(
    sample: Sample, settings: CameraWorkerSettings, still_repeats: int, sequence_fps: float
) -> Iterator[tuple[float, Image]]:
    """(t, frame) pairs of a video, a still image or a directory of images."""
    path = sample.file
    if path.is_dir():
        images = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        for i, image_path in enumerate(images):
            yield i / sequence_fps, _read_image(image_path, settings.analysis_width)
    elif path.suffix.lower() in IMAGE_SUFFIXES:
        image = _read_image(path, settings.analysis_width)
        for i in range(still_repeats):
            yield float(i), image
    else:
        cap = open_capture(str(path))
        if cap is None:
            raise OSError(f"cannot open video {path}")
        try:
            yield from sampled_frames(cap, settings.analysis_fps, True, settings.analysis_width)
        finally:
            cap.release()


def _read_image(path: Path, width: int) -> Image:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise OSError(f"cannot read image {path}")
    return downscale(np.asarray(image, dtype=np.uint8), width)


def run_clip(
    sample: Sample,
    settings: CameraWorkerSettings,
    still_repeats: int = 5,
    sequence_fps: float = 1.0,
) -> ClipResult:
    """Run the full chain (fresh state) over one sample and collect its events."""
    still = sample.file.suffix.lower() in IMAGE_SUFFIXES
    chain = Chain(load_detectors(settings), settings, still=still)
    result = ClipResult(sample, is_video=not still)
    for t, frame in sample_frames(sample, settings, still_repeats, sequence_fps):
        out = chain.process(frame, t)
        result.frames += 1
        result.duration_s = t
        result.events += [
            Event(t, e.detection.kind, e.detection.score, e.detection.box) for e in out.events
        ]
    if result.is_video and result.frames:
        result.duration_s += 1.0 / (sequence_fps if sample.file.is_dir() else settings.analysis_fps)
    return result


def _is_true(result: ClipResult, event: Event) -> bool:
    ignition = result.sample.ignition_s or 0.0
    return event.kind == result.sample.label and event.t >= ignition - 1e-6


def false_alarms(result: ClipResult) -> int:
    """Events of a kind the clip is not labelled with, or before its ignition."""
    return sum(not _is_true(result, e) for e in result.events)


def time_to_detect(result: ClipResult) -> float | None:
    """Seconds from ignition to the first correct event (None when missed)."""
    hits = [e.t for e in result.events if _is_true(result, e)]
    return min(hits) - (result.sample.ignition_s or 0.0) if hits else None


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def metrics(results: list[ClipResult]) -> dict[str, Any]:
    """Per-class precision/recall/F1, false alarms per camera-hour, median time to detect."""
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
    alarms = sum(false_alarms(r) for r in results)
    delays = [d for r in results if r.is_video and (d := time_to_detect(r)) is not None]
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "counts": counts,
        "false_alarms": alarms,
        "false_alarms_per_camera_hour": round(alarms / hours, 2) if hours else 0.0,
        "median_time_to_detect_s": round(statistics.median(delays), 2) if delays else None,
        "clips": len(results),
        "video_hours": round(hours, 4),
    }


def evaluate(
    directory: Path,
    settings: CameraWorkerSettings,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[ClipResult], dict[str, Any]]:
    """Run every sample of the directory's manifest; return the clip results and metrics."""
    samples = read_manifest(directory)
    results = []
    for i, sample in enumerate(samples, 1):
        result = run_clip(sample, settings)
        results.append(result)
        if progress is not None:
            kinds = ",".join(f"{e.kind}@{e.t:.1f}s" for e in result.events) or "-"
            progress(
                f"[{i}/{len(samples)}] {sample.file.name} label={sample.label} "
                f"frames={result.frames} events={kinds}"
            )
    return results, metrics(results)
