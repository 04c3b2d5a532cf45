"""Lease mode of the camera workers on both store backends: fair shares, a newcomer gets its
share, a dead worker's cameras are taken over when its leases expire, a clean stop gives
them back at once, and two workers claiming at the same time never both hold a camera."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from camera.leases import balance, holders, leave
from ioc.store import Store
from testkit.helpers import add_cameras

CAMERAS = ["LD-DL-01", "LD-DL-02", "LD-DL-03", "LD-DL-04", "LD-DL-05"]
LEASE = 30.0
T0 = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def round_of(store: Store, worker: str, now: datetime, cameras: list[str] = CAMERAS) -> set[str]:
    with store.session() as session:
        return balance(session, worker, cameras, now, LEASE)


def held(store: Store, now: datetime) -> dict[str, set[str]]:
    with store.session() as session:
        found: dict[str, set[str]] = {}
        for camera, worker in holders(session, now).items():
            found.setdefault(worker, set()).add(camera)
        return found


def test_shares_newcomers_takeover_and_leaving(store: Store) -> None:
    add_cameras(store, *CAMERAS)
    assert round_of(store, "A", at(0)) == set(CAMERAS)  # alone: everything
    assert round_of(store, "B", at(1)) == set()  # nothing free yet, but B is counted now
    a = round_of(store, "A", at(10))  # two workers: A keeps 3 and gives 2 back
    b = round_of(store, "B", at(11))
    assert (len(a), len(b)) == (3, 2) and a | b == set(CAMERAS) and not a & b
    assert held(store, at(12)) == {"A": a, "B": b}
    # A dies: no more rounds. B keeps its share until A's leases expire ...
    assert round_of(store, "B", at(21)) == b
    assert round_of(store, "B", at(10 + LEASE - 1)) == b
    # ... then takes A's cameras over.
    assert round_of(store, "B", at(10 + LEASE + 1)) == set(CAMERAS)
    # A restarted (a new worker id) gets a share back after B's next round.
    assert round_of(store, "A2", at(50)) == set()
    assert len(round_of(store, "B", at(51))) == 3
    assert len(round_of(store, "A2", at(52))) == 2
    # A clean stop gives everything back at once: no waiting for expiry.
    with store.session() as session:
        leave(session, "B")
    assert round_of(store, "A2", at(53)) == set(CAMERAS)


def test_a_camera_without_a_stream_is_given_back(store: Store) -> None:
    add_cameras(store, *CAMERAS)
    assert round_of(store, "A", at(0)) == set(CAMERAS)
    assert round_of(store, "A", at(5), CAMERAS[:3]) == set(CAMERAS[:3])
    assert held(store, at(6)) == {"A": set(CAMERAS[:3])}


def test_renewed_leases_do_not_expire(store: Store) -> None:
    add_cameras(store, *CAMERAS)
    for n in range(6):  # A renews every 10 s for a minute, longer than a lease
        assert round_of(store, "A", at(10 * n)) == set(CAMERAS)
    assert round_of(store, "B", at(55)) == set()  # A is alive: nothing expired to take


@pytest.mark.postgis
def test_concurrent_claims_never_share_a_camera(postgis_store: Store) -> None:
    cameras = [f"LD-BL-{n:02d}" for n in range(20)]
    add_cameras(postgis_store, *cameras)
    wrong: list[str] = []
    start = threading.Barrier(3)

    def worker(name: str) -> None:
        start.wait()
        for n in range(15):
            now = at(n)
            mine = round_of(postgis_store, name, now, cameras)
            actual = held(postgis_store, now).get(name, set())
            if not mine <= actual:  # it must never run a camera the table gives another
                wrong.append(f"{name} round {n}: believes {sorted(mine - actual)}")

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("A", "B", "C")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert wrong == []
    final = held(postgis_store, at(14))
    assert sorted(c for cams in final.values() for c in cams) == sorted(cameras)
    assert all(len(cams) <= 7 for cams in final.values()), final  # fair share of 20 / 3
