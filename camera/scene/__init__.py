"""Scene change over days, per camera view: new structures and cleared forest.

:mod:`camera.scene.references` keeps one picture a day per view, :mod:`camera.scene.compare`
compares two pictures, :mod:`camera.scene.daily` turns persistent changes into
:class:`ChangeCandidate` s (what the worker calls: :func:`daily_check`).
"""

from camera.scene.compare import Comparison, compare
from camera.scene.daily import ChangeCandidate, SceneCamera, daily_check
from camera.scene.references import ReferenceBook, ViewKey, frame_quality
from ioc.config.scene_change import SceneCameraSettings, SceneChangeSettings

__all__ = [
    "ChangeCandidate",
    "Comparison",
    "ReferenceBook",
    "SceneCamera",
    "SceneCameraSettings",
    "SceneChangeSettings",
    "ViewKey",
    "compare",
    "daily_check",
    "frame_quality",
]
