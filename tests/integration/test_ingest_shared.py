"""Two ingest workers split one stream through an MQTT v5 shared subscription: every
message is stored exactly once and both workers take a share. Counters reach /metrics."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from ioc.config import Settings
from ioc.store import Store
from ioc.store.models import WorkerStat
from ioc.web.app import create_app
from testkit.auth_support import signed_in_client
from testkit.helpers import wait_for
from testkit.mosquitto_proc import MosquittoProcess
from tests.ingest_procs import Publisher, WorkerProcess, stored

pytestmark = [pytest.mark.postgis, pytest.mark.mosquitto]


def test_two_workers_share_one_stream(
    postgis_store: Store, postgis_url: str, own_mosquitto: MosquittoProcess, tmp_path: Path
) -> None:
    prefix = f"shared-{uuid.uuid4().hex[:6]}/v1"
    extra = {"IOC_MQTT__SHARED_GROUP": "ingest", "IOC_INGEST__STATS_INTERVAL_S": "0.5"}
    workers = [
        WorkerProcess(postgis_url, own_mosquitto.port, tmp_path / f"w{i}.log", prefix, **extra)
        for i in range(2)
    ]
    publisher = Publisher(own_mosquitto.port, prefix)
    try:
        for worker in workers:
            worker.start()
        assert wait_for(lambda: len(stats(postgis_store)) == 2, timeout=30)
        publisher.send(0, 4000, rate=2000)
        assert wait_for(lambda: stored(postgis_store)[0] == 4000, timeout=60)
        assert wait_for(lambda: sum(stats(postgis_store).values()) == 4000, timeout=10)
    finally:
        publisher.close()
        for worker in workers:
            worker.stop()
    assert stored(postgis_store) == (4000, 4000)
    shares = stats(postgis_store)
    assert all(share >= 400 for share in shares.values()), shares  # each took a real part
    body = metrics_text(postgis_store, tmp_path)
    assert body.count("ioc_ingest_received_total{") == 2
    assert 'ioc_cameras{status="offline"}' not in body  # no cameras in this store


def stats(store: Store) -> dict[str, float]:
    with store.session() as session:
        rows = session.scalars(select(WorkerStat)).all()
        return {row.worker_id: row.counters.get("readings", 0) for row in rows}


def metrics_text(store: Store, var_dir: Path) -> str:
    app = create_app(Settings(var_dir=var_dir), store)
    response = signed_in_client(app.server).get("/metrics")  # an admin
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    return str(response.get_data(as_text=True))
