"""Picture health from frames alone (pure checks): frozen, dark, blurred, covered, ok.

* ``covered``: a nearly uniform picture (tiny grey-level spread) that is not just dark — a
  lens covered by a leaf, a bag or spray paint;
* ``dark``: mean luma below ``dark_luma`` (night without IR, a dead sensor);
* ``blurred``: variance of the Laplacian below ``blur_var`` (Pech-Pacheco et al. 2000,
  "Diatom autofocusing in brightfield microscopy"), e.g. fog, a dirty or defocused lens;
* ``frozen``: the picture has not changed at all for ``frozen_s`` seconds, over at least
  two frames (live sensors always add some noise; an encoder stuck on one frame does not);
* ``no_signal`` is decided by the capture loop when the stream is down.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from camera.types import Image
from ioc.mqtt.payloads import CameraHealth


def luma(frame: Image) -> Image:
    """Grey version of a BGR frame (grey frames pass through)."""
    if frame.ndim == 2:
        return frame
    return np.asarray(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), dtype=np.uint8)


def sharpness(gray: Image) -> float:
    """Variance of the Laplacian: low for blurred or featureless pictures."""
    return float(cv2.Laplacian(gray, cv2.CV_64F).var())


def still_picture(gray: Image, prev: Image | None, tolerance: float = 0.3) -> bool:
    """True when ``gray`` is (almost) exactly the previous frame."""
    if prev is None or prev.shape != gray.shape:
        return False
    return float(cv2.absdiff(gray, prev).mean()) <= tolerance


def picture_health(
    gray: Image, dark_luma: float = 35, covered_std: float = 6, blur_var: float = 12
) -> CameraHealth:
    """Health of one grey frame, without history (frozen needs :class:`HealthMonitor`)."""
    mean, std = cv2.meanStdDev(gray)
    if float(std[0][0]) < covered_std and float(mean[0][0]) >= dark_luma:
        return CameraHealth.COVERED
    if float(mean[0][0]) < dark_luma:
        return CameraHealth.DARK
    if sharpness(gray) < blur_var:
        return CameraHealth.BLURRED
    return CameraHealth.OK


@dataclass
class HealthMonitor:
    """Per-camera health: the per-frame checks plus the frozen-picture count."""

    frozen_s: float = 30.0
    width: int = 320
    prev: Image | None = None
    unchanged_since: float | None = None

    def update(self, frame: Image, t: float) -> CameraHealth:
        """Health of ``frame``, captured at ``t`` seconds."""
        gray = luma(frame)
        if gray.shape[1] > self.width:
            height = max(1, round(gray.shape[0] * self.width / gray.shape[1]))
            gray = np.asarray(cv2.resize(gray, (self.width, height), interpolation=cv2.INTER_AREA))
        if not still_picture(gray, self.prev) or self.unchanged_since is None:
            self.unchanged_since = t
        self.prev = gray
        if t - self.unchanged_since >= self.frozen_s:
            return CameraHealth.FROZEN
        return picture_health(gray)
