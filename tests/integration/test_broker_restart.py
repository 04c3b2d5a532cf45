"""A broker restart loses nothing: the shipped production Mosquitto (deploy/mosquitto: TLS,
passwords, ACL, persistence) restarted under running ``ioc ingest`` workers and a QoS 1
publisher; every message the broker acknowledged is stored exactly once, with one worker,
with two workers each holding a full subscription, and with two in a shared group where the
broker keeps shared subscriptions across a restart (Mosquitto 2.0.11 does not: see
docs/mqtt.md, "Broker restarts"). Real Mosquitto, real PostGIS, real worker processes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from ioc.store import Store
from ioc.store.models import SensorReading, WorkerStat
from testkit.helpers import wait_for
from tests.conftest import unavailable
from tests.ingest_procs import Publisher, WorkerProcess
from tests.mosquitto_production import (
    USERS,
    ProductionMosquitto,
    mosquitto_version,
    tools_missing,
)

pytestmark = [pytest.mark.postgis, pytest.mark.mosquitto]

PREFIX = "ioc/v1"  # the ACL of deploy/mosquitto is written for the real topic scheme


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[ProductionMosquitto]:
    missing = tools_missing()
    if missing:
        unavailable(missing)
    broker = ProductionMosquitto(tmp_path / "broker")
    broker.start()
    yield broker
    broker.stop()


def ingest_worker(broker: ProductionMosquitto, url: str, log: Path, **extra: str) -> WorkerProcess:
    """``ioc ingest`` configured as docs/operations.md says: TLS, its own user, MQTT v5."""
    return WorkerProcess(
        url,
        broker.tls_port,
        log,
        PREFIX,
        IOC_MQTT__TLS="true",
        IOC_MQTT__CA_FILE=str(broker.ca),
        IOC_MQTT__USERNAME="ioc-ingest",
        IOC_MQTT__PASSWORD=USERS["ioc-ingest"],
        IOC_INGEST__STATS_INTERVAL_S="0.5",
        **extra,
    )


def station(broker: ProductionMosquitto) -> Publisher:
    """A station publishing as itself (the ACL lets it write only under its own id)."""
    return Publisher(broker.tls_port, PREFIX, ("DL-AQ-01", USERS["DL-AQ-01"], str(broker.ca)))


def stored_ids(store: Store) -> list[str]:
    """The message ids stored (one reading per message, keyed ``<msg_id>#0``)."""
    with store.session() as session:
        return [key.partition("#")[0] for key in session.scalars(select(SensorReading.msg_id))]


def restart_mid_stream(
    broker: ProductionMosquitto, publisher: Publisher, count: int, store: Store
) -> None:
    """Publish ``count`` messages at 500/s; the broker restarts 2 s in and is down 2 s."""
    restarter = threading.Timer(2.0, broker.restart, kwargs={"down_for": 2.0})
    restarter.start()
    publisher.send(1, count, rate=500)
    restarter.join()
    assert wait_for(lambda: len(stored_ids(store)) >= count, timeout=60), (
        f"{len(publisher.acked - set(stored_ids(store)))} acknowledged messages lost"
    )
    time.sleep(1)  # nothing more trickles in


def assert_each_acked_stored_once(store: Store, publisher: Publisher, count: int) -> None:
    ids = stored_ids(store)
    assert len(ids) == len(set(ids)), "a message was stored twice"
    assert publisher.acked <= set(ids), sorted(publisher.acked - set(ids))[:20]
    assert {f"m{i}" for i in range(1, count)} <= publisher.acked  # the broker took them all


def first_message(publisher: Publisher, store: Store, workers: list[WorkerProcess]) -> None:
    """Start the workers and wait until m0 is stored (the subscriptions are in place)."""
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + 30
    first = datetime.now(UTC)  # the same m0 each time: a late copy is a duplicate
    while not stored_ids(store) and time.monotonic() < deadline:
        publisher.send(0, 1, ts=first)
        time.sleep(0.3)
    assert stored_ids(store), workers[0].log.read_text()[-2000:]


def test_broker_restart_mid_stream_loses_nothing(
    postgis_store: Store, postgis_url: str, broker: ProductionMosquitto, tmp_path: Path
) -> None:
    worker = ingest_worker(broker, postgis_url, tmp_path / "worker.log")
    publisher = station(broker)
    try:
        first_message(publisher, postgis_store, [worker])
        restart_mid_stream(broker, publisher, 3000, postgis_store)
    finally:
        publisher.close()
        worker.stop()
    assert_each_acked_stored_once(postgis_store, publisher, 3000)
    log = worker.log.read_text()
    assert "disconnected from broker" in log
    assert "did not keep the session" not in log  # the broker kept the session: nothing missed


def two_workers_through_a_restart(
    store: Store, url: str, broker: ProductionMosquitto, tmp_path: Path, group: str
) -> None:
    workers = [
        ingest_worker(
            broker,
            url,
            tmp_path / f"w{i}.log",
            IOC_MQTT__SHARED_GROUP=group,
            IOC_MQTT__CLIENT_ID=f"ioc-ingest-{i}",
        )
        for i in range(2)
    ]
    publisher = station(broker)
    try:
        first_message(publisher, store, workers)
        restart_mid_stream(broker, publisher, 3000, store)
    finally:
        publisher.close()
        for worker in workers:
            worker.stop()
    assert_each_acked_stored_once(store, publisher, 3000)


def test_broker_restart_with_two_workers_each_subscribed(
    postgis_store: Store, postgis_url: str, broker: ProductionMosquitto, tmp_path: Path
) -> None:
    """What docs/mqtt.md recommends on Mosquitto 2.0.x: a second worker with a full
    subscription of its own; both receive everything, the store keeps each message once."""
    two_workers_through_a_restart(postgis_store, postgis_url, broker, tmp_path, group="")


BROKEN_SHARED = mosquitto_version() <= (2, 0, 11)  # later versions not measured here


@pytest.mark.xfail(
    BROKEN_SHARED,
    # not strict: the loss depends on when the restart falls (one CI run lost nothing), so
    # a pass on 2.0.11 proves nothing; the shipped setup uses no shared group either way
    strict=False,
    reason="Mosquitto 2.0.11 does not route to a shared subscription restored from its "
    "persistence file and drops what was queued for it (measured on 2.0.11; docs/mqtt.md)",
)
def test_broker_restart_with_two_workers_in_a_shared_group(
    postgis_store: Store, postgis_url: str, broker: ProductionMosquitto, tmp_path: Path
) -> None:
    two_workers_through_a_restart(postgis_store, postgis_url, broker, tmp_path, group="ingest")


def test_a_lost_session_is_reported_loudly_and_counted(
    postgis_store: Store, postgis_url: str, broker: ProductionMosquitto, tmp_path: Path
) -> None:
    """A broker that comes back without its persistence file (a disk replaced, a new host)
    answers session-present false: the worker says so and counts it in /metrics."""
    worker = ingest_worker(broker, postgis_url, tmp_path / "worker.log")
    publisher = station(broker)
    try:
        first_message(publisher, postgis_store, [worker])
        publisher.close()
        broker.stop()
        (broker.workdir / "mosquitto.db").unlink()
        broker.start()
        assert wait_for(lambda: sessions_lost(postgis_store) == 1, timeout=30), (
            worker.log.read_text()
        )
    finally:
        worker.stop()
    assert "did not keep the session" in worker.log.read_text()


def sessions_lost(store: Store) -> float:
    with store.session() as session:
        rows = session.scalars(select(WorkerStat)).all()
    return sum(row.counters.get("sessions_lost", 0) for row in rows)
