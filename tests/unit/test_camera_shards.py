"""Static camera shards: every camera has exactly one worker, the same in every process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from camera.shards import assignment, in_shard, select_shard, shard_of
from camera.worker_stats import counters
from ioc.config import CameraWorkerSettings, ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[2]
IDS = [f"LD-{district}-{n:02d}" for district in ("DL", "BL", "DT", "LH", "DR") for n in range(60)]


@pytest.mark.parametrize("count", [1, 2, 3, 5, 8])
def test_every_camera_in_exactly_one_shard(count: int) -> None:
    shards = [select_shard(IDS, index, count, key=str) for index in range(count)]
    flat = [camera for shard in shards for camera in shard]
    assert sorted(flat) == sorted(IDS)  # nothing lost, nothing twice
    assert all(in_shard(camera, shard_of(camera, count), count) for camera in IDS)
    assert {i: s for i, s in enumerate(shards)} == assignment(IDS, count)


def test_shards_are_balanced() -> None:
    sizes = [len(cams) for cams in assignment(IDS, 4).values()]
    assert sum(sizes) == 300
    assert max(sizes) - min(sizes) <= 30, sizes  # 75 each ± 15


def test_adding_a_shard_moves_cameras_only_to_it() -> None:
    before = {camera: shard_of(camera, 3) for camera in IDS}
    after = {camera: shard_of(camera, 4) for camera in IDS}
    moved = [camera for camera in IDS if before[camera] != after[camera]]
    assert all(after[camera] == 3 for camera in moved)
    assert 0.15 < len(moved) / len(IDS) < 0.35  # about a quarter


def test_order_is_kept_and_bad_shards_refused() -> None:
    mine = select_shard(IDS, 1, 3, key=str)
    assert mine == [camera for camera in IDS if camera in set(mine)]
    with pytest.raises(ValueError, match="shard_index 3"):
        select_shard(IDS, 3, 3, key=str)
    with pytest.raises(ValueError, match="at least 1"):
        shard_of("LD-DL-01", 0)


def test_same_assignment_in_processes_with_other_hash_seeds() -> None:
    """Python's own hash() differs per process; the shard of a camera must not."""
    code = (
        "import json, sys; from camera.shards import shard_of; "
        "print(json.dumps([hash('LD-DL-01'), [shard_of(c, 5) for c in sys.argv[1:]]]))"
    )
    results = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        out = subprocess.run(
            [sys.executable, "-c", code, *IDS[:50]],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        results.append(json.loads(out))
    (hash_1, shards_1), (hash_2, shards_2) = results
    assert hash_1 != hash_2  # the seeds really differ ...
    assert shards_1 == shards_2 == [shard_of(c, 5) for c in IDS[:50]]  # ... the shards do not


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("IOC_") and not name.startswith("IOC_TEST_"):
            monkeypatch.delenv(name)


@pytest.mark.usefixtures("clean_env")
def test_shard_settings_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = load_settings().camera_worker
    assert (defaults.shard_index, defaults.shard_count) == (0, 1)  # one worker takes all
    monkeypatch.setenv("IOC_CAMERA_WORKER__SHARD_COUNT", "3")
    monkeypatch.setenv("IOC_CAMERA_WORKER__SHARD_INDEX", "2")
    assert load_settings().camera_worker.shard_index == 2
    monkeypatch.setenv("IOC_CAMERA_WORKER__SHARD_INDEX", "3")
    with pytest.raises(ConfigError) as err:
        load_settings()
    [problem] = err.value.problems
    assert problem.key == "camera_worker.shard_index"
    assert "below shard_count 3" in problem.message
    assert problem.origin == "environment variable IOC_CAMERA_WORKER__SHARD_INDEX"


@dataclass
class Counted:
    camera_id: str
    analysed: int
    events: int


def test_worker_counters_name_each_camera() -> None:
    cameras = [Counted("LD-DL-01", 40, 1), Counted("LD-BL-07", 35, 0)]
    values = counters(cameras, CameraWorkerSettings(shard_count=2, shard_index=1))
    assert values == {
        "shard_index": 1,
        "shard_count": 2,
        "camera.LD-DL-01": 40,
        "camera.LD-BL-07": 35,
        "cameras": 2,
        "analysed": 75,
        "events": 1,
    }

    lease = counters(cameras, CameraWorkerSettings(assignment="lease"))
    assert lease["lease_mode"] == 1 and "shard_index" not in lease
    assert lease["cameras"] == 2
