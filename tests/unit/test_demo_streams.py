"""Demo streams: ``demo:<scene>`` URLs become rendered clips OpenCV can read back."""

from __future__ import annotations

from pathlib import Path

import cv2
import pytest

from ioc.sim.streams import resolve_stream


def test_real_urls_pass_through(tmp_path: Path) -> None:
    assert resolve_stream("rtsp://cam/1", tmp_path) == "rtsp://cam/1"


def test_demo_scene_is_rendered_once_and_decodes(tmp_path: Path) -> None:
    path = Path(resolve_stream("demo:clouds", tmp_path))
    first_mtime = path.stat().st_mtime_ns
    capture = cv2.VideoCapture(str(path))
    ok, frame = capture.read()
    frames = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    capture.release()
    assert ok and frame.shape == (240, 320, 3)
    assert frames == 200  # 40 s at 5 fps
    assert Path(resolve_stream("demo:clouds", tmp_path)).stat().st_mtime_ns == first_mtime


def test_unknown_scene_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown demo scene 'volcano'"):
        resolve_stream("demo:volcano", tmp_path)
