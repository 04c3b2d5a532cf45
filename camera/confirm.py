"""Temporal confirmation: a detection counts once it is seen in N of the last M frames.

Detections of one kind are matched frame to frame into tracks (box overlap, or the centre
of one inside the other, since a plume grows and drifts). A track is confirmed when it hit
in at least ``n`` of its last ``m`` analysed frames. After an event, its region is quiet
for ``cooldown_s`` seconds, so one plume is one event, not one every few frames.
Pure: time is passed in, nothing is read from a clock.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from camera.types import Box, Detection, expand_box, iou


@dataclass
class Track:
    kind: str
    box: Box
    score: float
    hits: deque[bool]
    reported_at: float | None = None


@dataclass(frozen=True)
class Cooldown:
    kind: str
    box: Box
    until: float


def _centre_inside(a: Box, b: Box) -> bool:
    cx, cy = a[0] + a[2] / 2, a[1] + a[3] / 2
    return b[0] <= cx <= b[0] + b[2] and b[1] <= cy <= b[1] + b[3]


def same_region(a: Box, b: Box, min_iou: float = 0.05) -> bool:
    """Whether two boxes are (probably) the same object in consecutive frames."""
    return iou(a, b) >= min_iou or _centre_inside(a, b) or _centre_inside(b, a)


@dataclass
class Confirmer:
    """N-of-M confirmation per region plus a per-region cool-down after each event."""

    n: int = 3
    m: int = 5
    cooldown_s: float = 300.0
    tracks: list[Track] = field(default_factory=list)
    cooldowns: list[Cooldown] = field(default_factory=list)

    def update(self, detections: list[Detection], t: float) -> list[Detection]:
        """Feed one analysed frame's detections at time ``t``; return newly confirmed ones."""
        matched: set[int] = set()
        for det in detections:
            track = self._match(det, matched)
            track.box, track.score = det.box, max(track.score, det.score)
            track.hits.append(True)
            matched.add(id(track))
        for track in self.tracks:
            if id(track) not in matched:
                track.hits.append(False)
        self.tracks = [t_ for t_ in self.tracks if any(t_.hits)]
        self.cooldowns = [c for c in self.cooldowns if c.until > t]
        return self._confirmed(t)

    def _match(self, det: Detection, taken: set[int]) -> Track:
        candidates = [
            tr
            for tr in self.tracks
            if tr.kind == det.kind and id(tr) not in taken and same_region(tr.box, det.box)
        ]
        if candidates:
            return max(candidates, key=lambda tr: iou(tr.box, det.box))
        track = Track(det.kind, det.box, det.score, deque(maxlen=self.m))
        self.tracks.append(track)
        return track

    def _confirmed(self, t: float) -> list[Detection]:
        events = []
        for track in self.tracks:
            if self._recently_reported(track, t) or sum(track.hits) < self.n:
                continue
            if self._cooling(track, t):
                continue
            track.reported_at = t
            events.append(Detection(track.kind, round(track.score, 3), track.box))
            region = expand_box(track.box, 0.05)
            self.cooldowns.append(Cooldown(track.kind, region, t + self.cooldown_s))
        return events

    def _recently_reported(self, track: Track, t: float) -> bool:
        return track.reported_at is not None and t - track.reported_at < self.cooldown_s

    def _cooling(self, track: Track, t: float) -> bool:
        return any(
            cool.kind == track.kind and cool.until > t and same_region(track.box, cool.box)
            for cool in self.cooldowns
        )
