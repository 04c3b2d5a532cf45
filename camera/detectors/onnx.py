"""A YOLO-style ONNX model run through OpenCV's DNN module (``cv2.dnn.readNetFromONNX``).

Configured by ``camera_worker.onnx_model`` (a local file; nothing is downloaded),
``onnx_classes`` (names of the model's classes in output order; only ``smoke`` and ``fire``
become detections), ``onnx_input_size`` and ``onnx_confidence``. Both common output layouts
are understood: YOLOv5 ``(1, N, 5 + C)`` rows of ``cx, cy, w, h, objectness, classes...``
and YOLOv8 ``(1, 4 + C, N)`` columns of ``cx, cy, w, h, classes...``, in input pixels.
The frame is resized (not letter-boxed) to the input size, so boxes map back directly.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from camera.detectors.base import Detector
from camera.types import CameraView, Detection, Image, clamp_box
from ioc.config import CameraWorkerSettings

KINDS = {"smoke", "fire"}


@dataclass
class OnnxState:
    """The model needs no memory between frames."""

    still: bool = False


def yolo_rows(output: npt.NDArray[np.float32], classes: int) -> npt.NDArray[np.float32]:
    """Model output as rows of ``cx, cy, w, h, score per class`` (objectness folded in)."""
    out = np.asarray(output, dtype=np.float32).reshape(-1, *output.shape[-2:])[0]
    if out.shape[1] == 5 + classes:
        return np.asarray(np.hstack([out[:, :4], out[:, 5:] * out[:, 4:5]]), dtype=np.float32)
    if out.shape[0] == 4 + classes and out.shape[1] != 4 + classes:
        out = out.T
    if out.shape[1] == 4 + classes:
        return np.asarray(out, dtype=np.float32)
    raise ValueError(f"unexpected YOLO output shape {output.shape} for {classes} classes")


def decode(
    output: npt.NDArray[np.float32],
    names: list[str],
    input_size: int,
    confidence: float,
    nms: float = 0.45,
) -> list[Detection]:
    """Detections (smoke/fire only) from a YOLO output, after non-maximum suppression."""
    rows = yolo_rows(output, len(names))
    if not len(rows):
        return []
    cls = rows[:, 4:].argmax(axis=1)
    scores = rows[np.arange(len(rows)), 4 + cls]
    keep = scores >= confidence
    boxes = [
        [float(cx - w / 2), float(cy - h / 2), float(w), float(h)]
        for cx, cy, w, h in rows[keep, :4]
    ]
    kept_scores, kept_cls = scores[keep].tolist(), cls[keep].tolist()
    picked = cv2.dnn.NMSBoxes(boxes, kept_scores, confidence, nms) if boxes else []
    found = []
    for i in np.asarray(picked, dtype=np.int64).reshape(-1):
        name = names[int(kept_cls[i])]
        if name in KINDS:
            box = tuple(v / input_size for v in boxes[i])
            score = min(1.0, max(0.0, float(kept_scores[i])))
            found.append(Detection(name, round(score, 3), clamp_box(box)))  # type: ignore[arg-type]
    return found


class OnnxDetector(Detector[OnnxState]):
    """Runs a YOLO-style ONNX network on every frame it is given."""

    name = "onnx"

    def __init__(
        self, model: Path, classes: list[str], input_size: int = 640, confidence: float = 0.4
    ) -> None:
        if not model.is_file():
            raise FileNotFoundError(f"ONNX model not found: {model}")
        self.net = cv2.dnn.readNetFromONNX(str(model))
        self.classes = list(classes)
        self.input_size = input_size
        self.confidence = confidence
        self.lock = threading.Lock()  # one network, many camera threads

    @classmethod
    def from_settings(cls, settings: CameraWorkerSettings) -> OnnxDetector:
        if not settings.onnx_model:
            raise ValueError("detector 'onnx' needs camera_worker.onnx_model (a .onnx file)")
        return cls(
            Path(settings.onnx_model),
            settings.onnx_classes,
            settings.onnx_input_size,
            settings.onnx_confidence,
        )

    def new_state(self, still: bool = False, view: CameraView | None = None) -> OnnxState:
        return OnnxState(still)

    def detect(self, frame: Image, state: OnnxState, t: float) -> list[Detection]:
        size = (self.input_size, self.input_size)
        blob = cv2.dnn.blobFromImage(frame, 1 / 255.0, size, swapRB=True, crop=False)
        with self.lock:
            self.net.setInput(blob)
            output = np.asarray(self.net.forward(), dtype=np.float32)
        return decode(output, self.classes, self.input_size, self.confidence)
