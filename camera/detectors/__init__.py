"""Detectors by short name (``plume``, ``smoke``, ``fire``, ``onnx``), imported only when asked for.

The registry maps a name to ``module:Class``; :func:`load_detector` imports the module the
first time, so an installation without an ONNX model never loads the DNN code.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from camera.detectors.base import Detector
from ioc.config import CameraWorkerSettings

REGISTRY: dict[str, str] = {
    "smoke": "camera.detectors.smoke:SmokeDetector",
    "fire": "camera.detectors.fire:FireDetector",
    "onnx": "camera.detectors.onnx:OnnxDetector",
    "plume": "camera.detectors.plume:PlumeDetector",
}


class UnknownDetectorError(ValueError):
    """A configured detector name that the registry does not know."""


def detector_class(name: str) -> type[Detector[Any]]:
    """The class registered under ``name``."""
    try:
        target = REGISTRY[name]
    except KeyError as exc:
        known = ", ".join(sorted(REGISTRY))
        raise UnknownDetectorError(f"unknown detector {name!r} (known: {known})") from exc
    module_name, _, class_name = target.partition(":")
    cls: type[Detector[Any]] = getattr(import_module(module_name), class_name)
    return cls


def load_detector(name: str, settings: CameraWorkerSettings) -> Detector[Any]:
    """An instance of the detector ``name`` configured from the camera-worker settings."""
    cls = detector_class(name)
    factory = getattr(cls, "from_settings", None)
    if factory is not None:
        instance: Detector[Any] = factory(settings)
        return instance
    return cls()


def load_detectors(settings: CameraWorkerSettings) -> list[Detector[Any]]:
    """Every detector named in ``settings.detectors``, in order."""
    return [load_detector(name, settings) for name in settings.detectors]


__all__ = ["REGISTRY", "Detector", "UnknownDetectorError", "detector_class", "load_detectors"]
