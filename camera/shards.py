"""Which camera worker analyses which camera: static shards by a stable hash of the camera id.

Several camera workers (``camera_worker.shard_count`` of them, each with its own
``shard_index``) read the same camera registry and each keeps only its own cameras, so
every camera is analysed by exactly one worker without the workers talking to each other.

The assignment is rendezvous (highest-random-weight) hashing over SHA-256, never Python's
``hash()`` (randomised per process): every worker, on every host and after every restart,
computes the same owner for a camera. Changing the number of shards from N to N+1 moves only
about 1/(N+1) of the cameras, to the new shard; the others stay where they are.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

T = TypeVar("T")


def weight(camera_id: str, shard: int) -> int:
    """The camera's score on one shard; the shard with the highest score owns the camera."""
    digest = hashlib.sha256(f"{shard}\x00{camera_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def shard_of(camera_id: str, shard_count: int) -> int:
    """The shard (0 … shard_count-1) that analyses ``camera_id``."""
    if shard_count < 1:
        raise ValueError(f"shard_count must be at least 1, not {shard_count}")
    if shard_count == 1:
        return 0
    return max(range(shard_count), key=lambda shard: weight(camera_id, shard))


def in_shard(camera_id: str, shard_index: int, shard_count: int) -> bool:
    if not 0 <= shard_index < shard_count:
        raise ValueError(f"shard_index {shard_index} is not in 0..{shard_count - 1}")
    return shard_of(camera_id, shard_count) == shard_index


def select_shard(
    items: Iterable[T], shard_index: int, shard_count: int, key: Callable[[T], str]
) -> list[T]:
    """The items (cameras) whose id falls in this shard, in their original order."""
    return [item for item in items if in_shard(key(item), shard_index, shard_count)]


def assignment(camera_ids: Sequence[str], shard_count: int) -> dict[int, list[str]]:
    """Every shard's cameras (shards without a camera included, as empty lists)."""
    shards: dict[int, list[str]] = {shard: [] for shard in range(shard_count)}
    for camera_id in camera_ids:
        shards[shard_of(camera_id, shard_count)].append(camera_id)
    return shards
