"""Capture: read a camera's frames with OpenCV/FFmpeg at the analysis rate, reconnecting.

One :class:`CaptureLoop` per camera. Sources are anything FFmpeg opens: files, ``rtsp://``,
``http(s)://`` (MJPEG or HLS); and cameras that send pictures rather than video — a
snapshot URL polled every ``1 / analysis_fps`` seconds, or a folder of images replayed by
the times in their names (:mod:`camera.stills`). Every frame carries its capture time.
Frames not needed for analysis are only ``grab()``-bed (demuxed, not converted), and the
analysed ones are shrunk to ``analysis_width``. When a
live stream dies the loop reports it, waits with exponential back-off
(``reconnect_min_s`` doubling to ``reconnect_max_s``: :class:`ioc.retry.Backoff`) and opens
it again. A file source
starts over at its end (``loop_files``) or ends the loop. Stream URLs carry credentials, so
they only ever leave this module through :func:`redact_url`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import cv2
import numpy as np

from camera.stills import (
    fetch_snapshot,
    folder_frames,
    folder_of,
    is_snapshot_source,
    read_picture,
)
from camera.types import Image
from ioc.retry import Backoff

log = logging.getLogger(__name__)

SECRET_PARAMS = {
    "password",
    "pass",
    "pwd",
    "passwd",
    "token",
    "key",
    "apikey",
    "api_key",
    "auth",
    "secret",
    "signature",
    "sig",
    "access_token",
}
OPEN_TIMEOUT_MS = 10_000
READ_TIMEOUT_MS = 5_000

FrameSink = Callable[[Image, float], None]
StatusSink = Callable[[bool], None]


def redact_url(url: str) -> str:
    """The URL with its password and secret query parameters replaced by ``***``."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:***@{host}" if ":" in userinfo else f"***@{host}"
    query = urlencode(
        [
            (k, "***" if k.lower() in SECRET_PARAMS else v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
        ],
        safe="*",
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def is_file_source(url: str) -> bool:
    """True for a local file path (or ``file://`` URL), False for network streams."""
    scheme = urlsplit(url).scheme
    return scheme in ("", "file") or (len(scheme) == 1 and Path(url).exists())


def downscale(frame: Image, width: int) -> Image:
    """The frame shrunk to ``width`` pixels wide (never enlarged)."""
    height, full = frame.shape[:2]
    if full <= width:
        return frame
    size = (width, max(1, round(height * width / full)))
    return np.asarray(cv2.resize(frame, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


def open_capture(url: str) -> cv2.VideoCapture | None:
    """An opened FFmpeg capture of ``url``, or None (never raises, never logs the URL)."""
    source = url[len("file://") :] if url.startswith("file://") else url
    params = [
        cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
        OPEN_TIMEOUT_MS,
        cv2.CAP_PROP_READ_TIMEOUT_MSEC,
        READ_TIMEOUT_MS,
    ]
    try:
        cap = cv2.VideoCapture(source, cv2.CAP_FFMPEG, params)
    except cv2.error:
        return None
    if not cap.isOpened():
        cap.release()
        return None
    return cap


def sampled_frames(
    cap: cv2.VideoCapture, analysis_fps: float, media_clock: bool, width: int
) -> Iterator[tuple[float, Image]]:
    """(t, frame) pairs at about ``analysis_fps``; t is media time for files, else monotonic.

    Frames in between are only grabbed, not decoded into BGR. Ends when the source does.
    """
    fps = float(cap.get(cv2.CAP_PROP_FPS)) if media_clock else 0.0
    fps = fps if fps and 0 < fps < 1000 else 25.0
    period, next_t, index = 1.0 / analysis_fps, 0.0, -1
    while cap.grab():
        index += 1
        t = index / fps if media_clock else time.monotonic()
        if t + 1e-9 < next_t:
            continue
        ok, frame = cap.retrieve()
        if not ok or frame is None:
            return
        next_t = (next_t if media_clock else t) + period
        next_t = max(next_t, t)
        yield t, downscale(np.asarray(frame, dtype=np.uint8), width)


@dataclass
class CaptureOptions:
    analysis_fps: float = 2.0
    analysis_width: int = 640
    reconnect_min_s: float = 1.0
    reconnect_max_s: float = 60.0
    loop_files: bool = True
    realtime: bool = True


class CaptureLoop:
    """Reads one source until stopped, handing analysis frames to ``on_frame``.

    ``on_status(True/False)`` is called whenever the source comes up or goes down; the
    ``connected`` attribute holds the latest state (the worker reports ``no_signal``
    while it is False).
    """

    def __init__(
        self, url: str, options: CaptureOptions, on_frame: FrameSink, on_status: StatusSink
    ) -> None:
        self.url = url
        self.name = redact_url(url)
        self.options = options
        self.on_frame = on_frame
        self.on_status = on_status
        self.connected = False
        self.frames = 0
        self.reconnects = 0
        self.backoff = Backoff(options.reconnect_min_s, options.reconnect_max_s)
        self.is_file = is_file_source(url)

    def run(self, stop: threading.Event) -> None:
        if is_snapshot_source(self.url):
            self._poll_snapshots(stop)
        elif (folder := folder_of(self.url)) is not None:
            self._replay(folder, stop)
        else:
            self._stream(stop)
        self._set_connected(False)

    def _stream(self, stop: threading.Event) -> None:
        offset = 0.0
        while not stop.is_set():
            cap = open_capture(self.url)
            if cap is None:
                self._down(stop, "cannot open")
                continue
            self._set_connected(True)
            self.backoff.reset()
            try:
                offset = self._read(cap, stop, offset)
            finally:
                cap.release()
            if stop.is_set() or (self.is_file and not self.options.loop_files):
                break
            if not self.is_file:
                self._down(stop, "stream ended")

    def _replay(self, folder: Path, stop: threading.Event) -> None:
        offset = 0.0
        while not stop.is_set():
            self._set_connected(True)
            offset = self._replay_folder(folder, stop, offset)
            if not self.options.loop_files:
                break

    def _read(self, cap: cv2.VideoCapture, stop: threading.Event, offset: float) -> float:
        """Feed frames until the source ends; returns the time offset for a looped file."""
        started, last = time.monotonic(), offset
        for media_t, frame in sampled_frames(
            cap, self.options.analysis_fps, self.is_file, self.options.analysis_width
        ):
            if stop.is_set():
                break
            if self.is_file and self.options.realtime:
                stop.wait(max(0.0, media_t - (time.monotonic() - started)))
            t = media_t + offset if self.is_file else media_t
            last = t
            self.frames += 1
            self.on_frame(frame, t)
        return last + 1.0 / self.options.analysis_fps

    def _poll_snapshots(self, stop: threading.Event) -> None:
        """Fetch the picture every analysis period; a failed fetch is a dead stream."""
        period = 1.0 / self.options.analysis_fps
        while not stop.is_set():
            started = time.monotonic()
            try:
                frame = fetch_snapshot(self.url)
            except OSError as exc:
                self._down(stop, f"snapshot failed: {exc}")
                continue
            self._set_connected(True)
            self.backoff.reset()
            self.frames += 1
            self.on_frame(downscale(frame, self.options.analysis_width), started)
            stop.wait(max(0.0, period - (time.monotonic() - started)))

    def _replay_folder(self, folder: Path, stop: threading.Event, offset: float) -> float:
        """Feed a folder's pictures at their own times (in real time unless told not to)."""
        started, last = time.monotonic(), offset
        for t, path in folder_frames(folder, 1.0 / self.options.analysis_fps):
            if stop.is_set():
                break
            if self.options.realtime:
                stop.wait(max(0.0, t - (time.monotonic() - started)))
            frame = read_picture(path)
            if frame is None:
                log.warning("%s: cannot read %s, skipped", self.name, path.name)
                continue
            last = t + offset
            self.frames += 1
            self.on_frame(downscale(frame, self.options.analysis_width), last)
        return last + 1.0 / self.options.analysis_fps

    def _down(self, stop: threading.Event, why: str) -> None:
        self._set_connected(False)
        delay = self.backoff.next_delay()
        self.reconnects += 1
        log.warning("%s: %s; retrying in %.1f s", self.name, why, delay)
        stop.wait(delay)

    def _set_connected(self, up: bool) -> None:
        if up != self.connected:
            self.connected = up
            self.on_status(up)
