"""The dashboard under gunicorn: worker count from the CPUs, each worker's own connections
and background threads after the fork."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from ioc.config import Settings
from ioc.store import open_store
from ioc.store.migrate import upgrade
from ioc.web.app import create_app
from ioc.web.serving import after_fork, available_cpus, default_workers


@pytest.mark.parametrize(("cpus", "workers"), [(1, 2), (2, 3), (4, 5), (7, 8), (32, 8)])
def test_workers_follow_the_cpus(cpus: int, workers: int) -> None:
    assert default_workers(cpus) == workers


def test_cpus_of_this_process() -> None:
    assert 1 <= available_cpus() <= 4096
    assert default_workers() == default_workers(available_cpus())


def warm_up_threads() -> int:
    return sum(1 for thread in threading.enumerate() if thread.name == "aggregates-refresher")


def test_after_fork_renews_the_pool_and_starts_the_refresher(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    settings = Settings(var_dir=tmp_path, aggregates={"in_web": True})
    before = warm_up_threads()
    server = create_app(settings, store, start_background=False).server
    assert warm_up_threads() == before  # nothing started in the (preloading) master
    with store.session() as session:  # the master touched the database: a pooled connection
        session.connection()
    master_pool = store.engine.pool
    after_fork(server)
    assert store.engine.pool is not master_pool  # the worker never reuses the master's sockets
    assert warm_up_threads() == before + 1
    assert server.test_client().get("/healthz").status_code == 200
    after_fork(object())  # anything but the IOC's Flask app is left alone
    store.dispose()
