"""The whole detection chain on real tower-camera footage (HPWREN, one frame a minute).

Uses ``../shared/data/fire_sequences`` (skips when absent) with the project's own labels
and drawn camera views in ``camera/eval/hpwren``. The detector was tuned on the Red Mountain
sequence; Santa Ynez is the held-out one (see docs/cameras.md for the figures).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from camera.evaluate import evaluate
from ioc.commands import cameras as cameras_command
from ioc.config import CameraWorkerSettings, Settings

LABELS = Path(__file__).resolve().parents[2] / "camera" / "eval" / "hpwren"


@pytest.fixture
def sequences(shared_data: Path) -> Path:
    folder = shared_data / "fire_sequences"
    if not (folder / "20160604_FIRE_rm-n-mobo-c").is_dir():
        pytest.skip("fire_sequences not in the shared data")
    return folder


def one_clip_manifest(tmp_path: Path, name: str) -> Path:
    rows = (LABELS / "manifest.csv").read_text(encoding="utf-8").splitlines()
    keep = [rows[0]] + [r for r in rows[1:] if r.startswith(name)]
    text = (
        "\n".join(keep)
        .replace(",boxes/", f",{LABELS}/boxes/")
        .replace(",view_", f",{LABELS}/view_")
    )
    path = tmp_path / "manifest.csv"
    path.write_text(text + "\n", encoding="utf-8")
    return path


def test_red_mountain_plume_is_confirmed_within_five_minutes_on_the_plume(
    sequences: Path, tmp_path: Path
) -> None:
    manifest = one_clip_manifest(tmp_path, "20160604_FIRE_rm-n-mobo-c")
    results, m = evaluate(sequences, CameraWorkerSettings(), manifest=manifest)
    clip = results[0]
    ignition = clip.sample.ignition_s or 0.0
    assert clip.frames == 81
    assert not [e for e in clip.events if e.t < ignition]  # 40 minutes of real negatives
    first = min((e for e in clip.events if e.t >= ignition), key=lambda e: e.t)
    assert first.t - ignition <= 300  # measured: 180 s
    assert first.on_plume is True  # the box overlaps the plume drawn by hand
    assert first.box[2] < 0.1 and first.box[3] < 0.2  # a tight box, not the sky
    assert m["per_frame"]["counts"]["fp"] == 0


def test_eval_command_json_names_every_clip_with_real_seconds(
    sequences: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = one_clip_manifest(tmp_path, "20191001_unknown-camera_short")
    args = argparse.Namespace(directory=sequences, fps=None, manifest=manifest, json=True)
    assert cameras_command.run_eval(args, Settings()) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    (clip,) = report["clips"]
    assert clip["file"] == "20191001_unknown-camera_short" and clip["frames"] == 4
    assert set(clip) >= {
        "label",
        "first_event_after_ignition_s",
        "events_before_ignition",
        "events",
    }
    # four minutes are shorter than the ten the background needs: nothing, and said so
    assert clip["first_event_after_ignition_s"] is None and clip["events"] == []
    assert report["negative_camera_days"] == pytest.approx(60 / 86400, abs=1e-4)
