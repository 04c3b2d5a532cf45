"""The incidents worker under a database outage: PostgreSQL (a throwaway cluster of the
test's own) is stopped under ``ioc incidents run`` in the middle of a batch while cameras go
on publishing detections through MQTT to ``ioc ingest``. Afterwards every detection, those
published during the outage too, belongs to an incident, no cursor passed a row over, and
the worker logged the outage in a bounded number of lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import func, select

from ioc.store import Store, open_store
from ioc.store.migrate import upgrade
from ioc.store.models import DeadLetter, Detection
from ioc.store.models_incidents import IncidentCursor, IncidentMember
from testkit.helpers import wait_for
from testkit.mosquitto_proc import MosquittoProcess
from tests.incidents_support import add_watch_cameras
from tests.ingest_procs import ROOT, WorkerProcess
from tests.pg_cluster import PostgresCluster

pytestmark = [pytest.mark.postgis, pytest.mark.mosquitto]

BEFORE, DURING = 800, 60  # detections stored before the outage / published during it


def incidents_worker(url: str, log: Path) -> subprocess.Popen[bytes]:
    """``ioc incidents run``: each detection its own incident, no subscriptions."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    env.update(
        {
            "IOC_DATABASE__URL": url,
            "IOC_INCIDENTS__COOLDOWN_S": "0",
            "IOC_INCIDENTS__SUBSCRIPTIONS_FILE": "",
            "IOC_INCIDENTS__CHANNELS": '["webhook"]',
        }
    )
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "ioc.cli", "incidents", "run"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
        )


def store_detections(store: Store, count: int, start: datetime) -> None:
    cameras = ["CAM-A", "CAM-B", "CAM-C"]
    with store.session() as session:
        session.add_all(
            Detection(
                msg_id=uuid.uuid4().hex,
                camera_id=cameras[i % 3],
                kind="smoke",
                score=0.9,
                bbox=[0.4, 0.3, 0.1, 0.1],
                observed_at=start + timedelta(seconds=i),
                received_at=start + timedelta(seconds=i),
            )
            for i in range(count)
        )


def publish_detections(port: int, prefix: str, count: int) -> None:
    """Cameras publishing over MQTT (QoS 1) while the database is down."""
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id="cams")
    client.connect("127.0.0.1", port)
    client.loop_start()
    infos = []
    for i in range(count):
        body = {
            "v": 1,
            "msg_id": f"outage-{i}",
            "ts": datetime.now(UTC).isoformat(),
            "kind": "fire",
            "score": 0.8,
            "bbox": [0.5, 0.5, 0.1, 0.1],
        }
        topic = f"{prefix}/camera/CAM-{'ABC'[i % 3]}/detection"
        infos.append(client.publish(topic, json.dumps(body), qos=1))
    for info in infos:
        info.wait_for_publish(10)
    client.disconnect()
    client.loop_stop()


def members(store: Store) -> int:
    with store.session() as session:
        query = select(func.count()).select_from(IncidentMember)
        return int(session.scalar(query.where(IncidentMember.source == "detection")) or 0)


def test_database_outage_mid_batch_loses_no_detection(
    cluster: PostgresCluster, own_mosquitto: MosquittoProcess, tmp_path: Path
) -> None:
    url = cluster.create_database("ioc")
    store = open_store(url)
    upgrade(store)
    add_watch_cameras(store)
    ingest = WorkerProcess(url, own_mosquitto.port, tmp_path / "ingest.log")
    log = tmp_path / "incidents.log"
    worker = incidents_worker(url, log)
    try:
        ingest.start()
        assert wait_for(lambda: "incidents worker started" in log.read_text(), 30), log.read_text()
        store_detections(store, BEFORE, datetime.now(UTC) - timedelta(hours=2))
        assert wait_for(lambda: members(store) > 0, 30), log.read_text()[-3000:]
        at_stop = members(store)
        cluster.stop("immediate")  # mid-batch: connections cut, work in flight rolled back
        down_at = time.monotonic()
        publish_detections(own_mosquitto.port, ingest.prefix, DURING)
        time.sleep(max(0.0, 20 - (time.monotonic() - down_at)))
        cluster.start()
        total = BEFORE + DURING
        assert wait_for(lambda: members(store) == total, 120), (
            members(store),
            log.read_text()[-3000:],
        )
    finally:
        worker.terminate()
        worker.wait(20)
        ingest.stop()
    with store.session() as session:
        detections = session.scalar(select(func.count()).select_from(Detection))
        last_id = session.scalar(select(func.max(Detection.id)))
        cursor = session.get(IncidentCursor, "detections")
        set_aside = session.scalar(select(func.count()).select_from(DeadLetter))
    store.dispose()
    assert detections == total  # the ingest kept what was published during the outage
    assert cursor is not None and cursor.last_id == last_id
    assert set_aside == 0  # an outage sets nothing aside
    text = log.read_text()
    assert text.count("database unavailable") == 1, text[-3000:]
    assert text.count("database reachable again") == 1
    assert "Traceback" not in text
    assert 0 < at_stop < BEFORE  # the outage came in the middle of the work
    # One line per change of state, not one per retry (besides one INFO line per incident).
    lines = [line for line in text.splitlines() if "INFO ioc.incidents.alerts" not in line]
    assert len(lines) < 10, text[-3000:]
