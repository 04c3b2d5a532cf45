"""Where an ONNX model runs: ``onnxruntime`` (preferred) or OpenCV's DNN module (fallback).

Both take the same NCHW float blob and return the model's first output. ``onnxruntime``
also reads what a model says about itself: the input size when it is fixed, and the class
names Ultralytics exports (YOLOv8/YOLO11, as Pyronear publishes them) keep in the model's
metadata (``names: {0: 'smoke'}``). OpenCV's network is not thread-safe, so its runs are
serialised; an ``onnxruntime`` session is shared by every camera thread as it is.
"""

from __future__ import annotations

import ast
import logging
import threading
from pathlib import Path
from typing import Any, Literal, Protocol

import cv2
import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

Runtime = Literal["auto", "onnxruntime", "opencv"]
Blob = npt.NDArray[np.float32]


class Backend(Protocol):
    """A loaded model: ``run`` maps an NCHW blob to the model's first output."""

    name: str
    input_size: tuple[int, int] | None  # (width, height) when the model fixes it
    names: list[str]  # class names the model carries, or []

    def run(self, blob: Blob) -> Blob: ...


class OpenCvBackend:
    """``cv2.dnn.readNetFromONNX``: no extra dependency, one run at a time."""

    name = "opencv"

    def __init__(self, model: Path) -> None:
        self.net = cv2.dnn.readNetFromONNX(str(model))
        self.input_size: tuple[int, int] | None = None
        self.names: list[str] = []
        self.lock = threading.Lock()

    def run(self, blob: Blob) -> Blob:
        with self.lock:
            self.net.setInput(blob)
            return np.asarray(self.net.forward(), dtype=np.float32)


class OnnxRuntimeBackend:
    """An ``onnxruntime`` CPU session (thread-safe ``run``)."""

    name = "onnxruntime"

    def __init__(self, model: Path, ort: Any) -> None:
        self.session = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
        first = self.session.get_inputs()[0]
        self.input_name = str(first.name)
        self.input_size = fixed_size(list(first.shape))
        meta = self.session.get_modelmeta().custom_metadata_map
        self.names = class_names(meta.get("names", ""))

    def run(self, blob: Blob) -> Blob:
        (output, *_rest) = self.session.run(None, {self.input_name: blob})
        return np.asarray(output, dtype=np.float32)


def fixed_size(shape: list[Any]) -> tuple[int, int] | None:
    """(width, height) of an NCHW input shape whose last two dimensions are numbers."""
    if len(shape) == 4 and all(isinstance(d, int) and d > 0 for d in shape[2:]):
        return int(shape[3]), int(shape[2])
    return None


def class_names(text: str) -> list[str]:
    """Class names from Ultralytics' ``names`` metadata (``{0: 'smoke', 1: 'fire'}``)."""
    if not text:
        return []
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        log.warning("ONNX model metadata 'names' is not readable: %.80s", text)
        return []
    if isinstance(value, dict):
        return [str(value[k]) for k in sorted(value)]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return []


def open_backend(model: Path, runtime: Runtime = "auto") -> Backend:
    """The model loaded by ``runtime``; ``auto`` prefers onnxruntime when it is installed."""
    if not model.is_file():
        raise FileNotFoundError(f"ONNX model not found: {model}")
    if runtime == "opencv":
        return OpenCvBackend(model)
    try:
        import onnxruntime
    except ImportError as exc:
        if runtime == "onnxruntime":
            raise RuntimeError(
                "camera_worker.onnx_runtime is 'onnxruntime' but the package is not "
                "installed (pip install onnxruntime), or set onnx_runtime: opencv"
            ) from exc
        log.info("onnxruntime is not installed; running %s through OpenCV", model.name)
        return OpenCvBackend(model)
    return OnnxRuntimeBackend(model, onnxruntime)
