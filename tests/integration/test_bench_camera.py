"""bench/camera.py at a tiny size (not timed): its arguments, its H.264 clip and its JSON line.

Runs the real thing end to end — ffmpeg/libx264 encodes the stream, OpenCV decodes it, the
default chain analyses it — on a 320×180 stream for a second, so only the plumbing and the
report's shape are checked here, never the figures.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bench import camera as bench
from bench.camera_media import StreamSpec, codec_name, stream_clip
from tests.conftest import unavailable

TINY = [
    "--trial-s",
    "0.5",
    "--clip-s",
    "2",
    "--max-streams",
    "1",
    "--stream-size",
    "320x180",
    "--tower-frames",
    "2",
    "--tower-size",
    "320x240",
    "--tower-dir",
    "",
]


@pytest.fixture
def ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if found is None:
        unavailable("ffmpeg is not installed (apt-get install ffmpeg)")
    assert found is not None
    return found


def test_defaults_are_the_products_and_a_720p_camera() -> None:
    args = bench.parse_args([])
    assert args.stream_size == (1280, 720)
    assert (args.stream_fps, args.stream_kbps) == (5, 2000)
    assert args.out == ""


@pytest.mark.parametrize(
    "bad",
    [
        ["--stream-size", "720p"],
        ["--stream-size", "1281x720"],
        ["--stream-size", "16x16"],
        ["--max-streams", "0"],
        ["--trial-s", "-1"],
        ["--tower-frames", "many"],
    ],
)
def test_bad_arguments_stop_with_a_usage_error(
    bad: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        bench.parse_args(bad)
    assert stopped.value.code == 2
    assert "error" in capsys.readouterr().err


def test_the_stream_is_h264_as_cameras_send(ffmpeg: str, tmp_path: Path) -> None:
    clip = stream_clip(tmp_path / "s.mp4", 1.0, 0.5, StreamSpec(160, 96, 5, 300, 10))
    assert codec_name(clip) in {"h264", "avc1"}


def test_tiny_run_prints_and_writes_one_json_line(
    ffmpeg: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results" / "camera.json"
    assert bench.main([*TINY, "--out", str(out)]) == 0
    printed = capsys.readouterr().out.strip().splitlines()[-1]
    result = json.loads(printed)
    written = json.loads(out.read_text(encoding="utf-8"))
    assert {k: v for k, v in written.items() if k != "meta"} == result
    assert set(written["meta"]) == {"date", "machine", "command"}
    assert result["bench"] == "camera"
    assert result["codec"] == "h264"
    assert result["stream"] == {"size": "320x180", "fps": 5, "kbps": 2000, "gop": 10}
    assert result["detectors"] == ["plume", "smoke", "fire"]
    assert result["max_streams"] == 1
    for key in ("cpu_per_stream_pct", "decode_cpu_per_stream_pct", "chain_overhead_ratio"):
        assert result[key] > 0
    assert result["gating_speedup"] > 0 and result["gating_speedup_quiet"] > 0
    assert set(result["gating"]["clip"]["gated_time_share"]) == {
        "plume",
        "smoke",
        "fire",
        "gate_health_confirm",
    }
    tower = result["tower"]
    assert (tower["source"], tower["frame"], tower["frames_timed"]) == ("synthetic", "320x240", 1)
    assert tower["cameras_per_core"] > 0
    assert tower["at_analysis_width"]["frame"] == "320x240"  # already below 640 px
