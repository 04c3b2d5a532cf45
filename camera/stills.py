"""Cameras that send pictures, not video: a snapshot URL polled, or a folder of images.

Tower cameras in the field often publish one JPEG a minute at a fixed URL (HPWREN's do);
a recorded sequence is a folder of such pictures. Both become frames with their capture
time in seconds, so the chain treats them exactly like video:

* **snapshot URL** — ``snapshot+http(s)://...`` (or an ``http(s)`` URL whose path ends in
  ``.jpg``/``.jpeg``/``.png``), fetched every ``1 / analysis_fps`` seconds. The frame's
  time is the clock when it arrived. Credentials in the URL go into a Basic
  ``Authorization`` header and never into a log line. A picture larger than
  :data:`MAX_SNAPSHOT_BYTES`, or bytes that are not a picture, are errors that the
  capture loop reports as the stream being down, and it retries with back-off.
* **folder** — the images of a directory in name order, timed by the Unix time their names
  start with (``1465063200_-02400.jpg``) or, failing that, ``1 / analysis_fps`` apart.
"""

from __future__ import annotations

import base64
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import cv2
import numpy as np

from camera.types import Image

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")
MAX_SNAPSHOT_BYTES = 20 * 1024 * 1024
UNIX_STEM = re.compile(r"^(\d{9,11})(?:[_-]|$)")


def is_snapshot_source(url: str) -> bool:
    """A URL of single pictures to poll rather than a video stream."""
    parts = urlsplit(url)
    if parts.scheme in ("snapshot+http", "snapshot+https"):
        return True
    return parts.scheme in ("http", "https") and parts.path.lower().endswith(IMAGE_SUFFIXES)


def folder_of(url: str) -> Path | None:
    """The directory a ``file://`` URL or a local path names, if it is one."""
    path = Path(url[len("file://") :] if url.startswith("file://") else url)
    return path if urlsplit(url).scheme in ("", "file") and path.is_dir() else None


def _request(url: str) -> urllib.request.Request:
    """A GET request for ``url`` with its user and password moved into a header."""
    parts = urlsplit(url.removeprefix("snapshot+"))
    host = parts.netloc.rpartition("@")[2]
    request = urllib.request.Request(
        urlunsplit((parts.scheme, host, parts.path, parts.query, "")),
        headers={"User-Agent": "lamdong-ioc-camera"},
    )
    if parts.username is not None:
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        token = base64.b64encode(pair.encode()).decode("ascii")
        request.add_header("Authorization", f"Basic {token}")
    return request


def fetch_snapshot(url: str, timeout_s: float = 10.0) -> Image:
    """One picture from a snapshot URL, decoded to BGR; OSError with a reason otherwise."""
    try:
        with urllib.request.urlopen(_request(url), timeout=timeout_s) as response:
            data = response.read(MAX_SNAPSHOT_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise OSError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError) as exc:
        raise OSError(f"unreachable ({getattr(exc, 'reason', exc)})") from exc
    if len(data) > MAX_SNAPSHOT_BYTES:
        raise OSError(f"picture larger than {MAX_SNAPSHOT_BYTES // 1024 // 1024} MB")
    return decode_picture(data)


def decode_picture(data: bytes) -> Image:
    """Bytes of a JPEG/PNG as a BGR frame; OSError when they are not a picture."""
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise OSError("the answer is not a picture")
    return np.asarray(image, dtype=np.uint8)


def sequence_times(images: list[Path], interval_s: float | None) -> list[float]:
    """Capture times (seconds from the first) of a folder's frames: from Unix times in the
    names when every name has one, else from the stated interval."""
    stamps = [m.group(1) for p in images if (m := UNIX_STEM.match(p.stem))]
    if images and len(stamps) == len(images):
        return [float(int(s) - int(stamps[0])) for s in stamps]
    if interval_s is None:
        where = images[0].parent if images else "sequence"
        raise ValueError(f"{where}: frame_interval_s is needed (names carry no Unix time)")
    return [i * interval_s for i in range(len(images))]


def folder_images(folder: Path) -> list[Path]:
    """The pictures of a folder, in name order."""
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def folder_frames(folder: Path, interval_s: float) -> Iterator[tuple[float, Path]]:
    """(t, path) of a folder's pictures; unreadable files are the reader's to skip."""
    images = folder_images(folder)
    yield from zip(sequence_times(images, interval_s), images, strict=True)


def read_picture(path: Path) -> Image | None:
    """A picture file as BGR, or None when it cannot be read."""
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    return None if image is None else np.asarray(image, dtype=np.uint8)
