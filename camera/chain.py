"""The analysis chain of one camera: motion gate → detectors → N-in-T-seconds confirmation.

Pure apart from the frames it is handed: :meth:`Chain.process` takes an analysis-size BGR
frame and its time in seconds and returns the picture's health, the raw detections and the
confirmed events (each with the frames its region was seen in, for the strip). Writing snapshots
and publishing are the business of :mod:`camera.events`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from camera.confirm import Confirmer
from camera.detectors import Detector
from camera.health import HealthMonitor
from camera.motion import MotionGate, Polygon
from camera.types import CameraView, Detection, Image
from ioc.config import CameraWorkerSettings
from ioc.mqtt.payloads import CameraHealth


@dataclass(frozen=True)
class ChainEvent:
    """A confirmed detection with the frame it was confirmed on and the frames before it."""

    detection: Detection
    t: float
    frame: Image
    strip: tuple[Image, ...]


@dataclass(frozen=True)
class FrameResult:
    health: CameraHealth
    ran_detectors: bool
    detections: list[Detection]
    events: list[ChainEvent]


def _inside(point: tuple[float, float], polygon: Polygon) -> bool:
    """Ray-casting point-in-polygon on fraction coordinates."""
    x, y = point
    inside = False
    n = len(polygon)
    for i in range(n):
        x1, y1 = polygon[i][0], polygon[i][1]
        x2, y2 = polygon[(i + 1) % n][0], polygon[(i + 1) % n][1]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / ((y2 - y1) or 1e-12) + x1:
            inside = not inside
    return inside


def unmasked(detections: list[Detection], masks: Sequence[Polygon]) -> list[Detection]:
    """Detections whose box centre lies outside every ignore polygon."""
    return [
        d
        for d in detections
        if not any(_inside((d.box[0] + d.box[2] / 2, d.box[1] + d.box[3] / 2), m) for m in masks)
    ]


class Chain:
    """Everything one camera remembers between frames, and the order things run in."""

    def __init__(
        self,
        detectors: Sequence[Detector[Any]],
        settings: CameraWorkerSettings,
        view: CameraView | None = None,
        still: bool = False,
        gated: bool = True,
    ) -> None:
        self.view = view or CameraView()
        self.detectors = list(detectors)
        self.states = [d.new_state(still=still, view=self.view) for d in self.detectors]
        self.masks: list[Polygon] = list(self.view.masks)
        self.gated = gated and not still
        self.gate = MotionGate(
            width=settings.motion_width,
            threshold=settings.motion_threshold,
            safety_every_s=settings.detect_every_s,
            masks=self.masks,
        )
        self.confirmer = Confirmer(
            settings.confirm_n,
            settings.confirm_window_s,
            settings.cooldown_s,
            settings.confirm_ratio,
        )
        self.health = HealthMonitor(frozen_s=settings.frozen_s)
        self.recent: deque[Image] = deque(maxlen=settings.strip_frames)
        self.sighted: deque[tuple[float, Image]] = deque(maxlen=settings.strip_frames)
        self.analysed = 0
        self.detector_runs = 0

    def process(self, frame: Image, t: float) -> FrameResult:
        """Analyse one frame captured at ``t`` seconds (stream, file or stated interval)."""
        self.analysed += 1
        self.recent.append(frame)
        health = self.health.update(frame, t)
        regions = self.gate.regions(frame)
        run = not self.gated or self.gate.should_run(regions, t)
        detections: list[Detection] = []
        if run:
            self.detector_runs += 1
            for detector, state in zip(self.detectors, self.states, strict=True):
                detections.extend(detector.detect(frame, state, t))
            detections = unmasked(detections, self.masks)
        if detections:
            self.sighted.append((t, frame))
        confirmed = self.confirmer.update(detections, t) if run else []
        events = [ChainEvent(d, t, frame, self._strip(d)) for d in confirmed]
        return FrameResult(health, run, detections, events)

    def _strip(self, detection: Detection) -> tuple[Image, ...]:
        """The frames the confirmed region was seen in (they show it grow); the latest
        frames when fewer than two of those are still held."""
        times = {t for t, _box in self.confirmer.history(detection)}
        frames = tuple(f for t, f in self.sighted if t in times)
        return frames if len(frames) >= 2 else tuple(self.recent)
