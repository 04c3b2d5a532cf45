"""The detector interface: ``detect(frame, state) -> list[Detection]``, pure given its state.

Each frame comes with its capture time in seconds, so anything a detector remembers over
time behaves the same at 25 fps, 2 fps or one frame a minute. A detector holds only its
(immutable) parameters; everything it remembers between frames
lives in a state object it makes with :meth:`Detector.new_state`, one per camera. So the
same detector serves many cameras, and a test drives it with made-up frames.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Generic, TypeVar

from camera.types import CameraView, Detection, Image

S = TypeVar("S")


class Detector(ABC, Generic[S]):
    """Finds smoke or fire in BGR frames of one camera, remembering history in ``S``."""

    name: str = "detector"

    @abstractmethod
    def new_state(self, still: bool = False, view: CameraView | None = None) -> S:
        """Fresh per-camera state; ``still`` means single images (no temporal cues);
        ``view`` is the camera's drawn geometry (masks, horizon) where it matters."""

    @abstractmethod
    def detect(self, frame: Image, state: S, t: float) -> list[Detection]:
        """Detections in ``frame`` (BGR, analysis size) captured at ``t`` seconds (any
        epoch, increasing per camera), updating ``state``."""
