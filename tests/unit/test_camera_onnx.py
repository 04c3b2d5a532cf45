"""The ONNX detector on a model file built here in Pyronear's published YOLO export format.

The model is a real ONNX graph (``onnx`` builds it, onnxruntime or OpenCV runs it) laid out
like Pyronear's smoke models and every Ultralytics YOLOv8/YOLO11 export: input ``images``
1×3×64×64, output ``output0`` (1, 4 + C, N) with one class, ``smoke``, named in the
model's metadata. Its N = 16 boxes are the cells of a 4×4 grid of 16-px cells, each
scoring the mean red level of its cell; so a red square lights the cells it covers and
the test knows exactly where the box must land in the frame, through tiles.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from camera.chain import Chain
from camera.detectors import load_detectors
from camera.detectors.onnx import Found, Letterbox, letterbox, suppress, tile_starts, windows
from camera.detectors.onnx_backends import class_names, open_backend
from ioc.config import CameraWorkerSettings

SIZE, CELL = 64, 16
FRAME_W, FRAME_H = 256, 128
SQUARE = (160, 80, 16, 16)  # x, y, w, h in frame pixels


def grid_yolo(path: Path) -> Path:
    """A one-class YOLOv8-layout model: (1, 5, 16) of cx, cy, w, h, smoke score per cell."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    n = (SIZE // CELL) ** 2
    centres = [(c % 4 * CELL + CELL / 2, c // 4 * CELL + CELL / 2) for c in range(n)]
    boxes = np.array([[[x for x, _ in centres], [y for _, y in centres], [CELL] * n, [CELL] * n]])
    nodes = [
        helper.make_node(
            "AveragePool", ["images"], ["cells"], kernel_shape=[CELL, CELL], strides=[CELL, CELL]
        ),
        helper.make_node("Reshape", ["cells", "flat"], ["per_cell"]),
        helper.make_node("Gather", ["per_cell", "red"], ["score"], axis=1),
        helper.make_node("Concat", ["boxes", "score"], ["output0"], axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        "grid_yolo",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, SIZE, SIZE])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, 5, n])],
        [
            numpy_helper.from_array(np.array([1, 3, n], np.int64), "flat"),
            numpy_helper.from_array(np.array([0], np.int64), "red"),  # RGB input: R first
            numpy_helper.from_array(boxes.astype(np.float32), "boxes"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    helper.set_model_props(model, {"names": "{0: 'smoke'}", "imgsz": f"[{SIZE}, {SIZE}]"})
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def frame_with_square(square: tuple[int, int, int, int] = SQUARE) -> np.ndarray:
    frame = np.zeros((FRAME_H, FRAME_W, 3), np.uint8)
    frame[...] = (40, 110, 40)  # BGR: dark green hillside, red level 0.16
    x, y, w, h = square
    frame[y : y + h, x : x + w] = (0, 0, 255)
    return frame


def settings(model: Path, runtime: str, **extra: object) -> CameraWorkerSettings:
    # OpenCV cannot read the model's metadata: it is told the classes and the input size.
    told = {"onnx_classes": ["smoke"], "onnx_input_size": SIZE} if runtime == "opencv" else {}
    return CameraWorkerSettings.model_validate(
        {
            "detectors": ["onnx"],
            "onnx_model": str(model),
            "onnx_runtime": runtime,
            "onnx_confidence": 0.6,
            **told,
            **extra,
        }
    )


def test_tiles_cover_the_frame_with_overlap_and_end_at_the_edge() -> None:
    assert tile_starts(256, 64, 0.25) == [0, 48, 96, 144, 192]
    assert tile_starts(128, 64, 0.25) == [0, 48, 64]
    assert tile_starts(50, 64, 0.25) == [0]
    assert windows(256, 128, 0, 0.2, True) == [(0, 0, 256, 128)]
    tiled = windows(256, 128, 64, 0.25, True)
    assert tiled[0] == (0, 0, 256, 128) and len(tiled) == 1 + 5 * 3
    assert (192, 64, 64, 64) in tiled
    assert windows(256, 128, 64, 0.25, False)[0] == (0, 0, 64, 64)


def test_letterbox_keeps_aspect_and_maps_boxes_back() -> None:
    image = np.zeros((50, 100, 3), np.uint8)
    fitted, box = letterbox(image, 64, 64)
    assert fitted.shape == (64, 64, 3)
    assert box == Letterbox(0.64, 0.0, 16.0)
    assert fitted[0, 0, 0] == 114 and fitted[32, 32, 0] == 0  # grey pad, picture in the middle
    assert box.back((32.0, 16.0, 6.4, 32.0)) == pytest.approx((50.0, 0.0, 10.0, 50.0))


def test_suppression_across_tiles_keeps_one_box_per_object() -> None:
    same_from_two_tiles = [
        Found("smoke", 0.9, (160, 80, 16, 16)),
        Found("smoke", 0.8, (160, 80, 16, 16)),
    ]
    assert suppress(same_from_two_tiles) == [same_from_two_tiles[0]]
    part_inside_whole = [
        Found("smoke", 0.7, (100, 50, 60, 40)),
        Found("smoke", 0.6, (100, 50, 20, 20)),
    ]
    assert len(suppress(part_inside_whole)) == 1
    apart = [Found("smoke", 0.7, (0, 0, 10, 10)), Found("smoke", 0.6, (50, 50, 10, 10))]
    assert len(suppress(apart)) == 2
    kinds = [Found("smoke", 0.7, (0, 0, 10, 10)), Found("fire", 0.6, (0, 0, 10, 10))]
    assert {f.kind for f in suppress(kinds)} == {"smoke", "fire"}


def test_ultralytics_metadata_names_the_classes() -> None:
    assert class_names("{0: 'smoke'}") == ["smoke"]
    assert class_names("{1: 'fire', 0: 'smoke'}") == ["smoke", "fire"]
    assert class_names("not python") == []


def test_onnxruntime_reads_the_models_input_and_classes(tmp_path: Path) -> None:
    pytest.importorskip("onnxruntime")
    backend = open_backend(grid_yolo(tmp_path / "pyro.onnx"), "onnxruntime")
    assert (backend.name, backend.input_size, backend.names) == ("onnxruntime", (64, 64), ["smoke"])
    assert open_backend(tmp_path / "pyro.onnx", "opencv").name == "opencv"
    assert open_backend(tmp_path / "pyro.onnx", "auto").name == "onnxruntime"  # when installed
    with pytest.raises(FileNotFoundError):
        open_backend(tmp_path / "missing.onnx")


@pytest.mark.parametrize("runtime", ["onnxruntime", "opencv"])
def test_a_small_plume_is_found_through_tiles_where_the_whole_frame_misses_it(
    runtime: str, tmp_path: Path
) -> None:
    if runtime == "onnxruntime":
        pytest.importorskip("onnxruntime")
    model = grid_yolo(tmp_path / "pyro.onnx")
    (whole,) = load_detectors(settings(model, runtime))
    (tiled,) = load_detectors(settings(model, runtime, onnx_tile=64, onnx_tile_overlap=0.25))
    frame = frame_with_square()
    # Shrunk into 64×64 the 16-px square is 4 px: a quarter of a cell's red, below 0.6.
    assert whole.detect(frame, whole.new_state(), 0.0) == []
    found = tiled.detect(frame, tiled.new_state(), 0.0)
    assert [d.kind for d in found] == ["smoke"]  # seen by two tiles, one box after NMS
    x, y, w, h = SQUARE
    assert found[0].box == pytest.approx((x / FRAME_W, y / FRAME_H, w / FRAME_W, h / FRAME_H))
    assert found[0].score == pytest.approx(1.0, abs=0.01)
    assert tiled.detect(frame_with_square((0, 0, 0, 0)), tiled.new_state(), 0.0) == []


def test_a_one_class_model_with_the_wrong_class_list_says_so(tmp_path: Path) -> None:
    model = grid_yolo(tmp_path / "pyro.onnx")
    told = settings(model, "opencv", onnx_classes=["smoke", "fire"])
    (detector,) = load_detectors(told)
    with pytest.raises(ValueError, match="onnx_classes"):
        detector.detect(frame_with_square(), detector.new_state(), 0.0)


def test_runtime_setting_is_checked() -> None:
    with pytest.raises(ValidationError):
        CameraWorkerSettings.model_validate({"onnx_runtime": "tensorrt"})
    with pytest.raises(ValidationError):
        CameraWorkerSettings.model_validate({"onnx_tile_overlap": 0.9})


def test_model_detections_go_through_the_temporal_confirmation(tmp_path: Path) -> None:
    pytest.importorskip("onnxruntime")
    model = grid_yolo(tmp_path / "pyro.onnx")
    cw = settings(model, "onnxruntime", onnx_tile=64, onnx_tile_overlap=0.25)
    chain = Chain(load_detectors(cw), cw, gated=False)
    frame = frame_with_square()
    results = [chain.process(frame, t) for t in (0.0, 60.0, 120.0)]  # one frame a minute
    assert [len(r.detections) for r in results] == [1, 1, 1]
    assert [len(r.events) for r in results[:2]] == [0, 0]  # 3 sightings within 180 s needed
    (event,) = results[2].events
    assert event.detection.kind == "smoke" and event.t == 120.0
    x, y, w, h = SQUARE
    assert event.detection.box == pytest.approx(
        (x / FRAME_W, y / FRAME_H, w / FRAME_W, h / FRAME_H)
    )
