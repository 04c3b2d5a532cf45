"""Report photos: JPEG or PNG only (by magic bytes), size-limited, re-encoded with OpenCV.

Re-encoding decodes the pixels and writes a fresh JPEG, so no EXIF, comment or trailing
payload rides along into ``<var_dir>/uploads/``. Files are named by a random id and
served back by the Open311 blueprint.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import cv2
import numpy as np

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
NAME_PATTERN = re.compile(r"^[0-9a-f]{32}\.jpg$")


class MediaError(ValueError):
    """An upload that cannot be used; ``http_code`` says which HTTP error fits."""

    def __init__(self, message: str, http_code: int) -> None:
        super().__init__(message)
        self.http_code = http_code


def image_kind(data: bytes) -> str | None:
    """``"jpeg"`` or ``"png"`` from the first bytes, whatever the file name says; else None."""
    if data.startswith(JPEG_MAGIC):
        return "jpeg"
    if data.startswith(PNG_MAGIC):
        return "png"
    return None


def reencode(data: bytes, max_side: int = 2048, quality: int = 85) -> bytes:
    """A fresh JPEG of the image's pixels, scaled to ``max_side`` (raises MediaError)."""
    if image_kind(data) is None:
        raise MediaError("media must be a JPEG or PNG image", 415)
    pixels = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if pixels is None:
        raise MediaError("media is not a readable image", 415)
    height, width = pixels.shape[:2]
    scale = max_side / max(height, width)
    if scale < 1:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        pixels = cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)
    ok, encoded = cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise MediaError("media could not be re-encoded", 422)
    return bytes(encoded.tobytes())


def save_upload(folder: Path, data: bytes, max_side: int = 2048, quality: int = 85) -> str:
    """Re-encode ``data`` and store it under ``folder``; returns the file name."""
    encoded = reencode(data, max_side, quality)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.jpg"
    (folder / name).write_bytes(encoded)
    return name


def upload_path(folder: Path, name: str) -> Path | None:
    """The stored file called ``name``, or None for a name that is not one of ours."""
    if not NAME_PATTERN.match(name):
        return None
    path = folder / name
    return path if path.is_file() else None
