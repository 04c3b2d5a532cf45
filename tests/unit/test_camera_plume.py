"""The distant-plume detector on made-up tower-camera frames, one a minute."""

from __future__ import annotations

import numpy as np
import pytest

from camera.detectors.plume import PlumeDetector, band_rows, match_exposure
from camera.types import CameraView, Detection

W, H = 1024, 768
HORIZON = 0.5
VIEW = CameraView(horizon=((0.0, HORIZON), (1.0, HORIZON)), band_above=0.05, band_below=0.1)


def landscape(rng: np.random.Generator) -> np.ndarray:
    """Blue sky over darker textured hills, with a little sensor noise per frame."""
    img = np.zeros((H, W, 3), np.float32)
    img[: int(H * HORIZON)] = (210, 170, 130)
    hills = rng.normal(0, 12, (H - int(H * HORIZON), W))
    img[int(H * HORIZON) :] = np.stack([70 + hills, 90 + hills, 100 + hills], axis=2)
    return img


def frame(base: np.ndarray, rng: np.random.Generator, gain: float = 1.0) -> np.ndarray:
    noisy = base * gain + rng.normal(0, 2.0, base.shape)
    return np.asarray(np.clip(noisy, 0, 255), dtype=np.uint8)


def add_plume(img: np.ndarray, x: int, base_y: int, size: int) -> np.ndarray:
    """A grey column of ``size`` pixels rising from (x, base_y)."""
    out = img.copy()
    top = max(0, base_y - 2 * size)
    out[top:base_y, x - size // 2 : x + size // 2 + 1] = (150, 150, 150)
    return out


def run(frames: list[np.ndarray], view: CameraView = VIEW) -> list[list[Detection]]:
    detector = PlumeDetector(warmup_s=600)
    state = detector.new_state(view=view)
    return [detector.detect(f, state, 60.0 * i) for i, f in enumerate(frames)]


def quiet_then(rng: np.random.Generator, base: np.ndarray, minutes: int) -> list[np.ndarray]:
    return [frame(base, rng) for _ in range(minutes)]


def test_a_small_growing_plume_on_the_horizon_is_found_and_boxed_tightly() -> None:
    rng = np.random.default_rng(1)
    base = landscape(rng)
    frames = quiet_then(rng, base, 15)
    base_y = int(H * HORIZON) + 4
    frames += [frame(add_plume(base, 800, base_y, 3 + 2 * k), rng) for k in range(5)]
    found = run(frames)
    assert not any(found[:15])  # nothing before the plume
    first = next(i for i, f in enumerate(found) if f)
    assert first - 15 <= 2  # seen again one or two minutes after it appeared
    box = found[first][0].box
    assert box[0] <= 800 / W <= box[0] + box[2]
    assert box[2] < 0.05 and box[3] < 0.1  # tight: never most of the frame


def test_exposure_changes_and_noise_are_not_smoke() -> None:
    rng = np.random.default_rng(2)
    base = landscape(rng)
    gains = [1.0] * 12 + [1.15, 1.3, 0.85, 0.7, 1.0, 1.2, 0.9, 1.1]
    assert not any(run([frame(base, rng, g) for g in gains]))


def test_a_cloud_drifting_in_the_sky_is_not_smoke() -> None:
    rng = np.random.default_rng(3)
    base = landscape(rng)
    frames = quiet_then(rng, base, 12)
    for k in range(8):
        cloud = base.copy()
        x = 100 + 40 * k
        cloud[100:130, x : x + 60] = (235, 235, 235)
        frames.append(frame(cloud, rng))
    assert not any(run(frames))


def test_a_glint_that_comes_and_goes_is_not_confirmed_as_growth() -> None:
    rng = np.random.default_rng(4)
    base = landscape(rng)
    frames = quiet_then(rng, base, 12)
    for k in range(8):
        img = base.copy()
        if k % 2 == 0:
            img[int(H * HORIZON) + 2 : int(H * HORIZON) + 8, 300 + 60 * k : 306 + 60 * k] = 255
        frames.append(frame(img, rng))
    assert not any(run(frames))


def test_nothing_before_the_warm_up_and_nothing_in_still_mode() -> None:
    rng = np.random.default_rng(5)
    base = landscape(rng)
    frames = [frame(add_plume(base, 500, int(H * HORIZON) + 3, 4 + k), rng) for k in range(6)]
    assert not any(run(frames))  # six minutes: the background has not been learned yet
    detector = PlumeDetector()
    still = detector.new_state(still=True)
    assert detector.detect(frames[-1], still, 0.0) == []


def test_the_band_follows_the_drawn_skyline() -> None:
    view = CameraView(horizon=((0.0, 0.4), (1.0, 0.6)), band_above=0.1, band_below=0.1)
    band = band_rows((100, 200), view)
    assert band is not None
    top, low = band
    assert top[0] == pytest.approx(30) and low[0] == pytest.approx(50)
    assert top[-1] == pytest.approx(49.9, abs=0.2) and low[-1] == pytest.approx(69.9, abs=0.2)
    assert band_rows((100, 200), CameraView()) is None


def test_exposure_matching_undoes_a_gain_and_offset() -> None:
    rng = np.random.default_rng(6)
    ref = rng.uniform(20, 200, (60, 80)).astype(np.float32)
    cur = (ref * 1.3 + 12).astype(np.float32)
    assert np.abs(match_exposure(cur, ref) - ref).max() < 0.5


def test_view_from_registry_data_rejects_bad_shapes() -> None:
    view = CameraView.from_data([[[0, 0], [1, 0], [1, 0.1]]], {"line": [[0, 0.5], [1, 0.5]]})
    assert view.horizon == ((0.0, 0.5), (1.0, 0.5)) and len(view.masks) == 1
    with pytest.raises(ValueError, match="fractions"):
        CameraView.from_data(None, [[0, 50], [1, 0.5]])
    with pytest.raises(ValueError, match="list"):
        CameraView.from_data("everything", None)
