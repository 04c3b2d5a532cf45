"""``ioc cameras eval`` on the synthetic clip set and on the real shared fire samples."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from camera.evaluate import evaluate
from camera.types import iou
from ioc.commands import cameras as cameras_command
from ioc.config import CameraWorkerSettings, Settings
from ioc.sim.clips import DEFAULT_SET, ClipSpec, build_set


@pytest.fixture(scope="module")
def synthetic_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic")
    build_set(folder)
    return folder


def test_synthetic_set_scores(synthetic_set: Path) -> None:
    results, m = evaluate(synthetic_set, CameraWorkerSettings())
    assert len(results) == len(DEFAULT_SET)
    # measured: precision, recall and F1 1.0 for both classes, no false alarm, median 2.0 s
    assert m["recall"] == {"smoke": 1.0, "fire": 1.0}
    assert m["precision"] == {"smoke": 1.0, "fire": 1.0}
    assert m["false_alarms_per_camera_hour"] == 0.0
    assert m["median_time_to_detect_s"] is not None and m["median_time_to_detect_s"] <= 4.0


def test_held_out_seeds(tmp_path: Path) -> None:
    """Scenes drawn with seeds the detectors were never tuned on."""
    specs = tuple(ClipSpec(s.name, s.label, s.ignition_s, s.seed + 20) for s in DEFAULT_SET)
    build_set(tmp_path, specs, seconds=6.0)
    _results, m = evaluate(tmp_path, CameraWorkerSettings())
    assert m["recall"]["smoke"] >= 0.66 and m["recall"]["fire"] == 1.0
    assert m["precision"]["smoke"] >= 0.75 and m["precision"]["fire"] == 1.0


def test_eval_command_prints_one_json_line(
    synthetic_set: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import argparse

    args = argparse.Namespace(directory=synthetic_set, fps=None, manifest=None, json=False)
    assert cameras_command.run_eval(args, Settings()) == 0
    out, err = capsys.readouterr()
    summary = json.loads(out.strip().splitlines()[-1])
    assert set(summary) == {
        "precision",
        "recall",
        "f1",
        "false_alarms_per_camera_day",
        "median_time_to_detect_s",
    }
    assert summary["f1"]["smoke"] == 1.0
    assert "[10/10]" in err


def house6_boxes(xml: Path) -> dict[int, list[tuple[float, float, float, float]]]:
    """Per-frame flame boxes of the FURG fire annotation, as frame fractions."""
    root = ET.parse(xml).getroot()
    width = float(root.findtext("frameWidth") or 1)
    height = float(root.findtext("frameHeight") or 1)
    boxes: dict[int, list[tuple[float, float, float, float]]] = {}
    for frame in root.find("frames") or []:
        number = int(frame.findtext("frameNumber") or -1)
        for ann in frame.find("annotations") or []:
            x, y, w, h = (float(v) for v in re.split(r"\s+", (ann.text or "").strip()))
            boxes.setdefault(number, []).append((x / width, y / height, w / width, h / height))
    return boxes


def test_shared_fire_samples(shared_data: Path) -> None:
    samples = shared_data / "fire_samples"
    if not (samples / "manifest.csv").is_file():
        pytest.skip("fire_samples not in the shared data")
    results, m = evaluate(samples, CameraWorkerSettings())
    by_name = {r.sample.file.name: r for r in results}
    # measured: fire found in house6.mp4 (1.5 s) and 0003.jpg; the single-image smoke rule
    # is gone (it boxed the whole sky), so no still raises smoke
    assert m["recall"]["fire"] == 1.0 and m["precision"]["fire"] == 1.0
    still_smoke = [e for r in results if not r.is_video for e in r.events if e.kind == "smoke"]
    assert still_smoke == []
    house = by_name["house6.mp4"]
    fires = [e for e in house.events if e.kind == "fire"]
    assert fires and fires[0].t <= 5.0
    truth = house6_boxes(samples / "furg_fire" / "house6.xml")
    frame = round(fires[0].t * 29.97)
    nearby = [b for n in range(frame - 15, frame + 16) for b in truth.get(n, [])]
    assert any(iou(fires[0].box, b) > 0 or _inside(b, fires[0].box) for b in nearby)


def _inside(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    cx, cy = a[0] + a[2] / 2, a[1] + a[3] / 2
    return b[0] <= cx <= b[0] + b[2] and b[1] <= cy <= b[1] + b[3]
