"""The ingest worker loses nothing when it is killed, when the broker restarts and when the
database is away for 30 s. Real Mosquitto (the test's own), real PostGIS, a real worker
process (``ioc ingest``)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from ioc.store import Store
from ioc.store.models import WorkerStat
from testkit.helpers import wait_for
from testkit.mosquitto_proc import MosquittoProcess
from tests.ingest_procs import Publisher, WorkerProcess, stored
from tests.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.postgis, pytest.mark.mosquitto]


def started_worker(worker: WorkerProcess, store: Store, publisher: Publisher) -> None:
    """Start the worker and wait until it stores a first message (m0). m0 is sent again
    until it is stored (the worker may not be subscribed yet), always the same message, so
    a slow first write followed by a second copy still leaves one reading."""
    worker.start()
    deadline = time.monotonic() + 30
    first = datetime.now(UTC)
    while stored(store)[0] == 0 and time.monotonic() < deadline:
        publisher.send(0, 1, ts=first)
        time.sleep(0.3)
    assert stored(store)[0] == 1, worker.log.read_text()[-2000:]


def test_sigkill_mid_stream_then_restart(
    postgis_store: Store, postgis_url: str, own_mosquitto: MosquittoProcess, tmp_path: Path
) -> None:
    worker = WorkerProcess(postgis_url, own_mosquitto.port, tmp_path / "worker.log")
    publisher = Publisher(own_mosquitto.port, worker.prefix)
    try:
        started_worker(worker, postgis_store, publisher)
        publisher.send(1, 1500)
        assert wait_for(lambda: stored(postgis_store)[0] >= 300, timeout=20)
        worker.kill()
        publisher.send(1500, 3000)  # the broker queues these for the dead worker's session
        worker.start()
        assert wait_for(lambda: stored(postgis_store)[0] == 3000, timeout=60), stored(postgis_store)
        time.sleep(1)  # nothing more trickles in
        assert stored(postgis_store) == (3000, 3000)
    finally:
        publisher.close()
        worker.stop()
    # The restarted worker reports under the same stable id (role and client id, no PID):
    # no dead row is left behind to age in /metrics.
    with postgis_store.session() as session:
        ids = list(session.scalars(select(WorkerStat.worker_id)))
    assert ids == [f"ingest:{worker.env['IOC_MQTT__CLIENT_ID']}"]


def test_broker_restart(
    postgis_store: Store, postgis_url: str, own_mosquitto: MosquittoProcess, tmp_path: Path
) -> None:
    worker = WorkerProcess(postgis_url, own_mosquitto.port, tmp_path / "worker.log")
    publisher = Publisher(own_mosquitto.port, worker.prefix)
    try:
        started_worker(worker, postgis_store, publisher)
        publisher.send(1, 1000)
        publisher.close()
        own_mosquitto.restart(down_for=2)
        publisher = Publisher(own_mosquitto.port, worker.prefix)
        publisher.send(1000, 2000)
        assert wait_for(lambda: stored(postgis_store)[0] == 2000, timeout=60), stored(postgis_store)
        assert stored(postgis_store) == (2000, 2000)
        assert "disconnected from broker" in worker.log.read_text()
    finally:
        publisher.close()
        worker.stop()


def test_database_away_for_30_seconds(
    postgis_store: Store, postgis_url: str, own_mosquitto: MosquittoProcess, tmp_path: Path
) -> None:
    real = make_url(postgis_url)
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432)
    via_proxy = real.set(host="127.0.0.1", port=proxy.port).render_as_string(False)
    worker = WorkerProcess(
        via_proxy, own_mosquitto.port, tmp_path / "worker.log", IOC_INGEST__QUEUE_MAX="500"
    )
    publisher = Publisher(own_mosquitto.port, worker.prefix)
    try:
        started_worker(worker, postgis_store, publisher)
        proxy.cut()
        cut_at = time.monotonic()
        publisher.send(1, 4000, rate=400)  # ~10 s of traffic while the database is away
        time.sleep(max(0.0, 30 - (time.monotonic() - cut_at)))
        assert stored(postgis_store)[0] == 1  # nothing could be written meanwhile
        proxy.restore()
        assert wait_for(lambda: stored(postgis_store)[0] == 4000, timeout=90), stored(postgis_store)
        assert stored(postgis_store) == (4000, 4000)
        log = worker.log.read_text()
        assert log.count("database unavailable") == 1  # one line per change of state,
        assert log.count("database reachable again") == 1  # not one per retry
        assert worker.process is not None and worker.process.poll() is None  # still running
    finally:
        publisher.close()
        worker.stop()
        proxy.close()
