"""Smoke, fire and ONNX detectors on made-up frames: what they must and must not see."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from camera.detectors import REGISTRY, UnknownDetectorError, detector_class, load_detectors
from camera.detectors.fire import FireDetector, fire_colour_mask
from camera.detectors.onnx import decode, yolo_rows
from camera.detectors.smoke import SmokeDetector
from camera.types import Detection
from ioc.config import CameraWorkerSettings

H, W = 120, 160


def hillside(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    img = np.zeros((H, W, 3), np.float32)
    img[: H // 3] = (230, 200, 170)
    img[H // 3 :] = (50, 105, 60)
    img[H // 3 :] += rng.normal(0, 10, (H - H // 3, W, 1))
    return np.clip(img, 0, 255).astype(np.uint8)


def with_noise(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return np.clip(img + rng.normal(0, 2, img.shape), 0, 255).astype(np.uint8)


def blob(
    img: np.ndarray, centre: tuple[float, float], r: float, colour, alpha: float
) -> np.ndarray:
    cx, cy = centre
    yy, xx = np.mgrid[0:H, 0:W]
    a = alpha * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
    out = img * (1 - a[..., None]) + np.array(colour) * a[..., None]
    return np.asarray(np.clip(out, 0, 255), dtype=np.uint8)


def plume_frames(n: int = 8, sideways: bool = False) -> list[np.ndarray]:
    """A grey plume rising from a fixed source (or a grey blob sliding sideways)."""
    rng = np.random.default_rng(1)
    base, frames = hillside(), []
    for i in range(n):
        img = base.copy()
        if sideways:
            img = blob(img, (20 + 8 * i, 70), 10, (200, 200, 200), 0.7)
        else:
            for k in range(i + 1):  # one new puff per frame, older ones higher and larger
                age = i - k
                img = blob(
                    img, (80 + rng.uniform(-2, 2), 95 - 5 * age), 4 + 2 * age, (200,) * 3, 0.6
                )
        frames.append(with_noise(img, rng))
    return frames


def flame(img: np.ndarray, rng: np.random.Generator, height: float) -> np.ndarray:
    import cv2

    out = img.copy()
    for _ in range(3):
        h, cx = int(height * rng.uniform(0.7, 1.2)), 80 + int(rng.uniform(-5, 5))
        cv2.ellipse(out, (cx, 100 - h // 2), (7, h // 2), 0, 0, 360, (0, 90, 235), -1)
        cv2.ellipse(out, (cx, 100 - h // 3), (4, h // 3), 0, 0, 360, (60, 190, 255), -1)
    return out


def run(detector, frames, still: bool = False, fps: float = 5.0) -> list[list[Detection]]:
    state = detector.new_state(still=still)
    return [detector.detect(f, state, i / fps) for i, f in enumerate(frames)]


def test_fire_colour_rules_pick_flame_colours_not_white_or_green() -> None:
    img = np.zeros((10, 40, 3), np.uint8)
    img[:, :5] = (40, 140, 250)  # orange (BGR)
    img[:, 5:10] = (250, 250, 250)  # white light
    img[:, 10:] = (40, 120, 40)  # foliage
    mask = fire_colour_mask(img)
    assert mask[:, :5].all()
    assert not mask[:, 5:].any()


def test_fire_flickering_flame_is_detected_static_orange_is_not() -> None:
    rng = np.random.default_rng(3)
    base = hillside()
    flicker = [with_noise(flame(base, rng, rng.uniform(20, 40)), rng) for _ in range(6)]
    hits = run(FireDetector(), flicker)
    assert sum(bool(h) for h in hits) >= 4
    det = next(d for h in hits for d in h)
    assert det.kind == "fire" and 0.5 <= det.score <= 1
    x, y, w, h = det.box
    assert x < 0.5 < x + w and y < 0.8 < y + h
    static = flame(base, np.random.default_rng(9), 30)
    assert not any(run(FireDetector(), [with_noise(static, rng) for _ in range(6)]))


def test_fire_still_image_uses_colour_only() -> None:
    img = flame(hillside(), np.random.default_rng(2), 35)
    assert run(FireDetector(), [img], still=True)[0]
    assert not run(FireDetector(), [hillside()], still=True)[0]


def test_smoke_rising_plume_is_detected() -> None:
    hits = run(SmokeDetector(), plume_frames())
    assert sum(bool(h) for h in hits) >= 3
    det = next(d for h in hits for d in h)
    assert det.kind == "smoke"
    assert 0.3 < det.box[0] + det.box[2] / 2 < 0.7


def test_smoke_ignores_sideways_blob_fog_and_static_scene() -> None:
    assert not any(run(SmokeDetector(), plume_frames(sideways=True)))
    rng = np.random.default_rng(5)
    base = hillside()
    fog = [with_noise(blob(base, (80, 60), 400, (200,) * 3, 0.1 * i), rng) for i in range(8)]
    assert not any(run(SmokeDetector(), fog))
    assert not any(run(SmokeDetector(), [with_noise(base, rng) for _ in range(8)]))


def test_registry_loads_lazily_and_rejects_unknown_names() -> None:
    assert set(REGISTRY) == {"plume", "smoke", "fire", "onnx"}
    assert detector_class("smoke") is SmokeDetector
    names = [d.name for d in load_detectors(CameraWorkerSettings())]
    assert names == ["plume", "smoke", "fire"]
    with pytest.raises(UnknownDetectorError):
        detector_class("tea-leaves")
    with pytest.raises(ValueError, match="onnx_model"):
        load_detectors(CameraWorkerSettings(detectors=["onnx"]))


def test_yolo_decoding_both_layouts_and_nms() -> None:
    v5 = np.zeros((1, 3, 7), np.float32)
    v5[0, 0] = [32, 32, 16, 16, 0.9, 0.1, 0.9]  # fire
    v5[0, 1] = [33, 33, 16, 16, 0.8, 0.1, 0.9]  # overlapping duplicate
    v5[0, 2] = [10, 10, 4, 4, 0.1, 1.0, 0.0]  # below threshold
    found = decode(v5, ["smoke", "fire"], 64, 0.4)
    assert [d.kind for d in found] == ["fire"]
    assert found[0].box == pytest.approx((0.375, 0.375, 0.25, 0.25))
    v8 = np.zeros((1, 6, 4), np.float32)
    v8[0, :, 0] = [16, 16, 8, 8, 0.95, 0.0]
    assert [d.kind for d in decode(v8, ["smoke", "fire"], 64, 0.5)] == ["smoke"]
    assert yolo_rows(v8, 2).shape == (4, 6)
    with pytest.raises(ValueError):
        yolo_rows(np.zeros((1, 3, 9), np.float32), 2)


def tiny_yolo(path: Path, size: int = 64) -> Path:
    """A 'YOLOv5' ONNX graph whose objectness is the mean red level of the picture."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    n = 3
    weights, bias = np.zeros((3, n * 7), np.float32), np.zeros(n * 7, np.float32)
    bias[0:4] = [size / 2, size / 2, size / 4, size / 4]
    weights[0, 4], bias[6] = 0.9, 1.0  # row 0: fire, objectness = 0.9 * mean(R)
    nodes = [
        helper.make_node("GlobalAveragePool", ["images"], ["p"]),
        helper.make_node("Flatten", ["p"], ["f"], axis=1),
        helper.make_node("MatMul", ["f", "W"], ["m"]),
        helper.make_node("Add", ["m", "B"], ["a"]),
        helper.make_node("Reshape", ["a", "shape"], ["output0"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_yolo",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, size, size])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, n, 7])],
        [
            numpy_helper.from_array(weights, "W"),
            numpy_helper.from_array(bias, "B"),
            numpy_helper.from_array(np.array([1, n, 7], np.int64), "shape"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


@pytest.mark.parametrize("runtime", ["opencv", "onnxruntime"])
def test_onnx_detector_runs_a_real_yolov5_model(runtime: str, tmp_path: Path) -> None:
    if runtime == "onnxruntime":
        pytest.importorskip("onnxruntime")
    model = tiny_yolo(tmp_path / "tiny.onnx")
    settings = CameraWorkerSettings(
        detectors=["onnx"],
        onnx_model=str(model),
        onnx_runtime=runtime,
        onnx_input_size=64,
        onnx_confidence=0.5,
    )
    (detector,) = load_detectors(settings)
    red = np.zeros((W, W, 3), np.uint8)  # square: the letter-box adds no grey border
    red[..., 2] = 255
    found = detector.detect(red, detector.new_state(), 0.0)
    assert [d.kind for d in found] == ["fire"]
    assert found[0].score == pytest.approx(0.9, abs=0.01)
    assert found[0].box == pytest.approx((0.375, 0.375, 0.25, 0.25))
    assert detector.detect(np.zeros((W, W, 3), np.uint8), detector.new_state(), 0.0) == []
