"""Which incident a new detection belongs to: de-duplication and cool-down (pure).

A detection joins an open incident when it is from the same camera with an overlapping box
(one plume seen again), or from a neighbouring camera whose view cone crosses a cone of a
camera already in the incident (one plume seen twice), as long as the incident saw
something within the cool-down. A detection in the same region as a recent *false alarm*
is folded into it silently, so a cloud that fooled the detector once does not page anyone
fifty times. Everything else opens a new incident.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

import shapely

from ioc.incidents.geometry import box_overlap, cones_cross

FIRE_KINDS = frozenset({"smoke", "fire"})


@dataclass(frozen=True)
class Sighting:
    """A detection as grouping sees it."""

    camera_id: str
    kind: str
    bbox: tuple[float, ...] | None
    at: datetime


@dataclass(frozen=True)
class Candidate:
    """An incident that a sighting might join: its cameras, their boxes and its cones."""

    incident_id: int
    status: str
    last_seen_at: datetime
    boxes: dict[str, list[tuple[float, ...] | None]] = field(default_factory=dict)
    cones: Sequence[shapely.Polygon] = ()


Verdict = Literal["new", "join", "suppress"]


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    incident_id: int | None = None


def same_region(sighting: Sighting, candidate: Candidate, min_overlap: float) -> bool:
    """The sighting's camera is in the incident and its box overlaps one seen before."""
    boxes = candidate.boxes.get(sighting.camera_id)
    if boxes is None:
        return False
    return any(box_overlap(sighting.bbox, box) >= max(min_overlap, 1e-9) for box in boxes)


def seen_by_neighbour(cone: shapely.Polygon | None, candidate: Candidate) -> bool:
    return any(cones_cross(cone, other) for other in candidate.cones)


def decide(
    sighting: Sighting,
    cone: shapely.Polygon | None,
    candidates: Sequence[Candidate],
    cooldown: timedelta,
    min_overlap: float,
) -> Decision:
    """Join, suppress or open: the newest matching candidate wins."""
    if sighting.kind not in FIRE_KINDS:
        return Decision("new")
    recent = [c for c in candidates if sighting.at - c.last_seen_at <= cooldown]
    for candidate in sorted(recent, key=lambda c: c.last_seen_at, reverse=True):
        region = same_region(sighting, candidate, min_overlap)
        if candidate.status == "false_alarm":
            if region:
                return Decision("suppress", candidate.incident_id)
            continue
        if candidate.status == "resolved":
            continue
        if region or seen_by_neighbour(cone, candidate):
            return Decision("join", candidate.incident_id)
    return Decision("new")
