"""Two real camera worker processes (``ioc cameras run``) split one camera registry in
PostGIS: as static shards 0 and 1 of 2, every camera with a stream is analysed by exactly one
of them (their counters in the store and their heartbeats on the real Mosquitto show it);
in lease mode they share the cameras and one takes over when the other is killed."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from camera.leases import holders
from camera.shards import assignment
from ioc.sim.clips import ClipSpec, render_frames, write_video
from ioc.store import Store
from ioc.store.cameras import CameraSpec, upsert_cameras
from ioc.store.models import WorkerStat
from ioc.timeutil import utcnow
from testkit.helpers import wait_for
from tests.role_procs import RoleProcess, listener, role_env, stop_all

pytestmark = [pytest.mark.postgis, pytest.mark.mosquitto]

STREAMS = ["LD-DL-11", "LD-DL-12", "LD-BL-13", "LD-LH-14", "LD-DT-15"]


def camera_workers(store: Store) -> dict[str, dict[str, float]]:
    with store.session() as session:
        rows = session.scalars(select(WorkerStat).where(WorkerStat.role == "cameras"))
        return {row.worker_id: dict(row.counters) for row in rows}


def cameras_of(counters: dict[str, float]) -> dict[str, float]:
    return {k.removeprefix("camera."): v for k, v in counters.items() if k.startswith("camera.")}


def all_analysing(store: Store) -> bool:
    workers = camera_workers(store)
    return len(workers) == 2 and all(
        cameras_of(c) and min(cameras_of(c).values()) > 0 for c in workers.values()
    )


def test_two_shards_split_the_cameras(
    postgis_store: Store, postgis_url: str, mosquitto: tuple[str, int], tmp_path: Path
) -> None:
    expected = assignment(STREAMS, 2)
    assert all(expected.values()), expected  # both shards have work with these ids
    clip = write_video(
        tmp_path / "clouds.avi", render_frames(ClipSpec("clouds", "none", None, 3), seconds=4)
    )
    with postgis_store.session() as session:
        specs = [
            CameraSpec(c, c, 108.4 + n * 0.01, 11.9, stream_url=str(clip))
            for n, c in enumerate(STREAMS)
        ]
        upsert_cameras(session, [*specs, CameraSpec("LD-DL-99", "no stream", 108.5, 11.9)])
    prefix = f"shards-{uuid.uuid4().hex[:8]}/v1"
    inbox: list[tuple[str, bytes]] = []
    heartbeats = listener(mosquitto[1], f"{prefix}/camera/+/heartbeat", inbox)
    env = role_env(postgis_url, mosquitto[1], prefix, tmp_path / "var")
    env.update(
        {
            "IOC_CAMERA_WORKER__HEARTBEAT_INTERVAL_S": "0.5",
            "IOC_CAMERA_WORKER__STATS_INTERVAL_S": "0.5",
            "IOC_CAMERA_WORKER__ANALYSIS_FPS": "4",
            "IOC_CAMERA_WORKER__SHARD_COUNT": "2",
        }
    )
    workers = [
        RoleProcess(
            f"cameras-{i}",
            ["cameras", "run"],
            {**env, "IOC_CAMERA_WORKER__SHARD_INDEX": str(i)},
            tmp_path,
        ).start()
        for i in range(2)
    ]
    try:
        assert wait_for(lambda: all_analysing(postgis_store), 40), [w.output() for w in workers]
        seen = {topic.split("/")[-2] for topic, _ in inbox}
        assert wait_for(lambda: {t.split("/")[-2] for t, _ in inbox} >= set(STREAMS), 10), seen
    finally:
        codes = stop_all(workers)
        heartbeats.loop_stop()
        heartbeats.disconnect()
    assert codes == [0, 0]  # both stop cleanly on SIGTERM
    taken = {}
    for worker_id, counters in camera_workers(postgis_store).items():
        shard = int(counters["shard_index"])
        assert worker_id == f"cameras:{shard}/2"  # stable: the role and its shard
        taken[shard] = sorted(cameras_of(counters))
        assert counters["cameras"] == len(taken[shard])
    assert taken == {shard: sorted(ids) for shard, ids in expected.items()}
    analysed = [camera for cams in taken.values() for camera in cams]
    assert sorted(analysed) == sorted(STREAMS)  # each exactly once, the one without a stream never
    topics = {topic.split("/")[-2] for topic, _ in inbox}
    assert topics == set(STREAMS)
    assert all(json.loads(payload)["health"] for _, payload in inbox)
    for shard, worker in enumerate(workers):
        assert f"shard {shard} of 2 takes {len(expected[shard])} of 5 camera(s)" in worker.output()


def test_lease_mode_takes_over_a_killed_worker(
    postgis_store: Store, postgis_url: str, mosquitto: tuple[str, int], tmp_path: Path
) -> None:
    """Two workers in lease mode share the cameras; when one is SIGKILLed (no goodbye), the
    other holds all of them once the dead worker's leases expire."""
    clip = write_video(
        tmp_path / "clouds.avi", render_frames(ClipSpec("clouds", "none", None, 4), seconds=4)
    )
    with postgis_store.session() as session:
        upsert_cameras(
            session,
            [
                CameraSpec(c, c, 108.4 + n * 0.01, 11.9, stream_url=str(clip))
                for n, c in enumerate(STREAMS)
            ],
        )
    env = role_env(postgis_url, mosquitto[1], f"lease-{uuid.uuid4().hex[:8]}/v1", tmp_path)
    env.update(
        {
            "IOC_CAMERA_WORKER__ASSIGNMENT": "lease",
            "IOC_CAMERA_WORKER__LEASE_S": "3",
            "IOC_CAMERA_WORKER__HEARTBEAT_INTERVAL_S": "0.5",
            "IOC_CAMERA_WORKER__STATS_INTERVAL_S": "0.5",
        }
    )
    workers = [RoleProcess(f"lease-{i}", ["cameras", "run"], env, tmp_path) for i in range(2)]
    for worker in workers:
        worker.start()
    try:

        def shares() -> list[set[str]]:
            return [set(cameras_of(c)) for c in camera_workers(postgis_store).values()]

        def split() -> bool:
            found = shares()
            return len(found) == 2 and all(found) and set.union(*found) == set(STREAMS)

        assert wait_for(split, 60), [w.output()[-1500:] for w in workers]
        first, second = shares()
        assert not first & second  # never one camera under both
        workers[0].kill()
        survivor = workers[1].pid

        def survivor_has_all() -> bool:
            return any(
                worker_id.split(":")[1] == str(survivor) and set(cameras_of(c)) == set(STREAMS)
                for worker_id, c in camera_workers(postgis_store).items()
            )

        assert wait_for(survivor_has_all, 30), workers[1].output()[-2000:]
    finally:
        codes = stop_all(workers)
    assert codes[1] == 0
    with postgis_store.session() as session:  # a clean stop gives the leases back
        assert holders(session, utcnow()) == {}
