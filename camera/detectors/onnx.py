"""A trained YOLO-style ONNX model as a detector, run on tiles of a large frame.

Configured by ``camera_worker.onnx_model`` (a local file; nothing is downloaded),
``onnx_runtime`` (``auto``: onnxruntime when installed, else OpenCV's DNN module),
``onnx_classes`` (class names in output order; empty: the names an Ultralytics export
carries, else ``smoke, fire``; only ``smoke`` and ``fire`` become detections),
``onnx_input_size`` (used when the model does not fix its input), ``onnx_confidence``, and
the tiling: ``onnx_tile`` (tile side in pixels of the analysed frame; 0: the whole frame in
one pass), ``onnx_tile_overlap`` (share of a tile shared with its neighbour) and
``onnx_tile_whole`` (with tiles, one more pass on the whole frame for plumes larger than a
tile).

The export formats understood are the ones published: YOLOv5 ``(1, N, 5 + C)`` rows of
``cx, cy, w, h, objectness, classes...`` and YOLOv8/YOLO11 ``(1, 4 + C, N)`` columns of
``cx, cy, w, h, classes...`` (Pyronear's smoke models: one class, ``(1, 5, N)``), in input
pixels; input ``images`` RGB scaled to 0-1, letter-boxed (grey 114 padding, aspect kept)
as Ultralytics trains them. Each tile's boxes are mapped back to frame pixels, then
non-maximum suppression runs across all tiles (a box mostly inside a better one also
goes), and boxes leave as frame fractions for the chain's temporal confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from camera.detectors.base import Detector
from camera.detectors.onnx_backends import Backend, Runtime, open_backend
from camera.types import CameraView, Detection, Image, clamp_box
from ioc.config import CameraWorkerSettings

KINDS = {"smoke", "fire"}
DEFAULT_NAMES = ["smoke", "fire"]
PAD = 114  # Ultralytics' letter-box grey
Rect = tuple[float, float, float, float]  # x, y, w, h in pixels
Window = tuple[int, int, int, int]  # x, y, w, h of a tile in frame pixels


@dataclass(frozen=True)
class Found:
    """One box of one class, in pixels of the frame (or of the model input)."""

    kind: str
    score: float
    rect: Rect


@dataclass
class OnnxState:
    """The model needs no memory between frames."""

    still: bool = False


@dataclass(frozen=True)
class Letterbox:
    """How an image was fitted into the model input: scaled, then padded on both sides."""

    scale: float
    pad_x: float
    pad_y: float

    def back(self, rect: Rect) -> Rect:
        """A box in model-input pixels as pixels of the original image."""
        x, y, w, h = rect
        s = self.scale
        return ((x - self.pad_x) / s, (y - self.pad_y) / s, w / s, h / s)


def letterbox(image: Image, width: int, height: int) -> tuple[Image, Letterbox]:
    """``image`` scaled to fit ``width``×``height`` (aspect kept) and centred on grey."""
    h, w = image.shape[:2]
    scale = min(width / w, height / h)
    new_w, new_h = max(1, round(w * scale)), max(1, round(h * scale))
    resized = cv2.resize(image, (new_w, new_h), interpolation=cv2.INTER_AREA)
    out = np.full((height, width, 3), PAD, np.uint8)
    x0, y0 = (width - new_w) // 2, (height - new_h) // 2
    out[y0 : y0 + new_h, x0 : x0 + new_w] = resized
    return out, Letterbox(scale, float(x0), float(y0))


def tile_starts(length: int, tile: int, overlap: float) -> list[int]:
    """Start offsets of tiles of ``tile`` px along ``length`` px, overlapping by ``overlap``
    of a tile; the last tile ends at the edge. One tile when it covers the whole length."""
    if tile >= length:
        return [0]
    step = max(1, int(tile * (1 - overlap)))
    starts = list(range(0, length - tile, step))
    return [*starts, length - tile]


def windows(width: int, height: int, tile: int, overlap: float, whole: bool) -> list[Window]:
    """The frame's tiles (row by row), plus the whole frame first when ``whole``; only the
    whole frame when ``tile`` is 0."""
    if tile <= 0:
        return [(0, 0, width, height)]
    tw, th = min(tile, width), min(tile, height)
    grid = [
        (x, y, tw, th)
        for y in tile_starts(height, tile, overlap)
        for x in tile_starts(width, tile, overlap)
    ]
    if whole and len(grid) > 1:
        return [(0, 0, width, height), *grid]
    return grid


def yolo_rows(output: npt.NDArray[np.float32], classes: int) -> npt.NDArray[np.float32]:
    """Model output as rows of ``cx, cy, w, h, score per class`` (objectness folded in)."""
    out = np.asarray(output, dtype=np.float32).reshape(-1, *output.shape[-2:])[0]
    if out.shape[1] == 5 + classes:
        return np.asarray(np.hstack([out[:, :4], out[:, 5:] * out[:, 4:5]]), dtype=np.float32)
    if out.shape[0] == 4 + classes and out.shape[1] != 4 + classes:
        out = out.T
    if out.shape[1] == 4 + classes:
        return np.asarray(out, dtype=np.float32)
    raise ValueError(
        f"unexpected YOLO output shape {output.shape} for {classes} classes "
        "(check camera_worker.onnx_classes against the model)"
    )


def raw_boxes(output: npt.NDArray[np.float32], names: list[str], confidence: float) -> list[Found]:
    """Every box scoring at least ``confidence`` (best class per box), in input pixels."""
    rows = yolo_rows(output, len(names))
    if not len(rows):
        return []
    cls = rows[:, 4:].argmax(axis=1)
    scores = rows[np.arange(len(rows)), 4 + cls]
    keep = np.flatnonzero(scores >= confidence)
    return [
        Found(
            names[int(cls[i])],
            float(scores[i]),
            (
                float(rows[i, 0] - rows[i, 2] / 2),
                float(rows[i, 1] - rows[i, 3] / 2),
                float(rows[i, 2]),
                float(rows[i, 3]),
            ),
        )
        for i in keep
    ]


def _inside_share(a: Rect, b: Rect) -> float:
    """The share of ``a``'s area that lies inside ``b``."""
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    area = a[2] * a[3]
    return ix * iy / area if area > 0 else 1.0


def suppress(found: list[Found], nms: float = 0.45, inside: float = 0.7) -> list[Found]:
    """Non-maximum suppression per class over boxes from any tiles: a box goes when it
    overlaps a better one by IoU above ``nms`` or lies mostly (``inside``) within it."""
    kept: list[Found] = []
    for kind in sorted({f.kind for f in found}):
        mine = [f for f in found if f.kind == kind]
        rects = [list(f.rect) for f in mine]
        scores = [f.score for f in mine]
        picked = np.asarray(cv2.dnn.NMSBoxes(rects, scores, 0.0, nms), np.int64).reshape(-1)
        best_first = sorted((mine[int(i)] for i in picked), key=lambda f: -f.score)
        for cand in best_first:
            if not any(k.kind == kind and _inside_share(cand.rect, k.rect) >= inside for k in kept):
                kept.append(cand)
    return sorted(kept, key=lambda f: -f.score)


def to_detections(found: list[Found], width: int, height: int) -> list[Detection]:
    """Smoke and fire boxes (frame pixels) as detections with boxes in frame fractions."""
    out = []
    for f in found:
        if f.kind in KINDS:
            x, y, w, h = f.rect
            box = clamp_box((x / width, y / height, w / width, h / height))
            out.append(Detection(f.kind, round(min(1.0, max(0.0, f.score)), 3), box))
    return out


def decode(
    output: npt.NDArray[np.float32],
    names: list[str],
    input_size: int,
    confidence: float,
    nms: float = 0.45,
) -> list[Detection]:
    """Detections (smoke/fire only) from one square input's output, after suppression."""
    found = suppress(raw_boxes(output, names, confidence), nms)
    return to_detections(found, input_size, input_size)


class OnnxDetector(Detector[OnnxState]):
    """Runs a YOLO-style ONNX network on the tiles of every frame it is given."""

    name = "onnx"

    def __init__(
        self,
        model: Path,
        *,
        classes: list[str] | None = None,
        input_size: int = 640,
        confidence: float = 0.4,
        runtime: Runtime = "auto",
        tile: int = 0,
        overlap: float = 0.2,
        whole: bool = True,
    ) -> None:
        self.backend: Backend = open_backend(model, runtime)
        self.classes = list(classes or self.backend.names or DEFAULT_NAMES)
        self.input_size = self.backend.input_size or (input_size, input_size)
        self.confidence = confidence
        self.tile, self.overlap, self.whole = tile, overlap, whole

    @classmethod
    def from_settings(cls, settings: CameraWorkerSettings) -> OnnxDetector:
        if not settings.onnx_model:
            raise ValueError("detector 'onnx' needs camera_worker.onnx_model (a .onnx file)")
        return cls(
            Path(settings.onnx_model),
            classes=settings.onnx_classes,
            input_size=settings.onnx_input_size,
            confidence=settings.onnx_confidence,
            runtime=settings.onnx_runtime,
            tile=settings.onnx_tile,
            overlap=settings.onnx_tile_overlap,
            whole=settings.onnx_tile_whole,
        )

    def new_state(self, still: bool = False, view: CameraView | None = None) -> OnnxState:
        return OnnxState(still)

    def detect(self, frame: Image, state: OnnxState, t: float) -> list[Detection]:
        height, width = frame.shape[:2]
        found: list[Found] = []
        for window in windows(width, height, self.tile, self.overlap, self.whole):
            found.extend(self.run_window(frame, window))
        return to_detections(suppress(found), width, height)

    def run_window(self, frame: Image, window: Window) -> list[Found]:
        """Boxes the model finds in one tile, in frame pixels."""
        x, y, w, h = window
        fitted, box = letterbox(frame[y : y + h, x : x + w], *self.input_size)
        blob = cv2.dnn.blobFromImage(fitted, 1 / 255.0, swapRB=True)
        output = self.backend.run(np.asarray(blob, dtype=np.float32))
        found = []
        for f in raw_boxes(output, self.classes, self.confidence):
            bx, by, bw, bh = box.back(f.rect)
            found.append(Found(f.kind, f.score, (bx + x, by + y, bw, bh)))
        return found
