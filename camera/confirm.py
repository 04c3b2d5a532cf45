"""Temporal confirmation: a region counts once it is seen N times within T seconds.

Detections of one kind are matched frame to frame into tracks (box overlap, or the centre
of one inside the other, since a plume grows and drifts). A track is confirmed when, within
the last ``window_s`` seconds, it hit at least ``n`` times and in at least ``ratio`` of the
frames analysed since it began. Everything is in seconds, so the same settings behave alike
at 25 fps, 2 fps and one frame a minute: at 2 fps three hits take 1.5 s, at one frame a
minute three minutes. After an event its region is quiet for ``cooldown_s`` seconds, so one
plume is one event, not one every few frames. Pure: time is passed in, nothing read from a
clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from camera.types import Box, Detection, centre_inside, expand_box, iou


@dataclass
class Track:
    kind: str
    box: Box
    score: float
    started: float
    looks: list[tuple[float, bool]] = field(default_factory=list)
    reported_at: float | None = None
    boxes: list[tuple[float, Box]] = field(default_factory=list)

    def trim(self, now: float, window_s: float) -> None:
        """Forget what happened more than ``window_s`` seconds before ``now``."""
        self.looks = [(t, hit) for t, hit in self.looks if now - t <= window_s]
        self.boxes = [(t, b) for t, b in self.boxes if now - t <= window_s]

    @property
    def hits(self) -> int:
        return sum(hit for _t, hit in self.looks)


@dataclass(frozen=True)
class Cooldown:
    kind: str
    box: Box
    until: float


def same_region(a: Box, b: Box, min_iou: float = 0.05) -> bool:
    """Whether two boxes are (probably) the same object in consecutive frames."""
    return iou(a, b) >= min_iou or centre_inside(a, b) or centre_inside(b, a)


@dataclass
class Confirmer:
    """N detections within T seconds per region, plus a per-region cool-down after each."""

    n: int = 3
    window_s: float = 180.0
    cooldown_s: float = 300.0
    ratio: float = 0.5
    tracks: list[Track] = field(default_factory=list)
    cooldowns: list[Cooldown] = field(default_factory=list)

    def update(self, detections: list[Detection], t: float) -> list[Detection]:
        """Feed one analysed frame's detections at time ``t``; return newly confirmed ones."""
        matched: set[int] = set()
        for det in detections:
            track = self._match(det, matched, t)
            track.box, track.score = det.box, max(track.score, det.score)
            track.looks.append((t, True))
            track.boxes.append((t, det.box))
            matched.add(id(track))
        for track in self.tracks:
            if id(track) not in matched:
                track.looks.append((t, False))
            track.trim(t, self.window_s)
        self.tracks = [tr for tr in self.tracks if tr.hits]
        self.cooldowns = [c for c in self.cooldowns if c.until > t]
        return self._confirmed(t)

    def history(self, detection: Detection) -> list[tuple[float, Box]]:
        """The (time, box) sightings of the track that raised ``detection``."""
        for track in self.tracks:
            if track.kind == detection.kind and track.box == detection.box:
                return list(track.boxes)
        return []

    def _match(self, det: Detection, taken: set[int], t: float) -> Track:
        candidates = [
            tr
            for tr in self.tracks
            if tr.kind == det.kind and id(tr) not in taken and same_region(tr.box, det.box)
        ]
        if candidates:
            return max(candidates, key=lambda tr: iou(tr.box, det.box))
        track = Track(det.kind, det.box, det.score, started=t)
        self.tracks.append(track)
        return track

    def _confirmed(self, t: float) -> list[Detection]:
        events = []
        for track in self.tracks:
            if not self._enough(track) or self._recently_reported(track, t):
                continue
            if self._cooling(track, t):
                continue
            track.reported_at = t
            events.append(Detection(track.kind, round(track.score, 3), track.box))
            region = expand_box(track.box, 0.05)
            self.cooldowns.append(Cooldown(track.kind, region, t + self.cooldown_s))
        return events

    def _enough(self, track: Track) -> bool:
        looks = [hit for t_, hit in track.looks if t_ >= track.started]
        return track.hits >= self.n and track.hits >= self.ratio * len(looks)

    def _recently_reported(self, track: Track, t: float) -> bool:
        return track.reported_at is not None and t - track.reported_at < self.cooldown_s

    def _cooling(self, track: Track, t: float) -> bool:
        return any(
            cool.kind == track.kind and cool.until > t and same_region(track.box, cool.box)
            for cool in self.cooldowns
        )
