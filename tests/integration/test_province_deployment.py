"""A province deployment on one machine, every role its own OS process as the systemd units
run them: ``ioc db upgrade`` on a fresh PostGIS database, ``serve`` under gunicorn with two
workers, two ingest workers on one MQTT v5 shared subscription of the real Mosquitto, two
camera shards and the incidents worker. Devices' messages are stored exactly once, the web
role answers, and killing an ingest worker mid-stream loses nothing."""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from camera.shards import assignment
from ioc.auth.user_roles import Role
from ioc.geography.defaults import seed_default_units
from ioc.sim.clips import ClipSpec, render_frames, write_video
from ioc.sim.demo import locate_cameras
from ioc.store import Store, open_store
from ioc.store.cameras import CameraSpec, upsert_cameras
from ioc.store.models import Camera, Incident, WorkerStat
from testkit.auth_support import sign_in
from testkit.helpers import free_port, wait_for
from tests.conftest import scratch_database
from tests.ingest_procs import Publisher, stored
from tests.role_procs import RoleProcess, listener, role_env, run_once, stop_all

pytestmark = [pytest.mark.postgis, pytest.mark.mosquitto]

STREAMS = ["LD-DL-10", "LD-DL-11", "LD-DL-12", "LD-DL-13"]  # two for each camera shard
WATCH = "LD-DL-25"  # registered, no stream: its detections come from a device
MESSAGES = 600
READY_S = 150  # six processes importing dash/OpenCV: seconds when idle, minutes when loaded


@pytest.fixture
def fresh_database() -> Iterator[str]:
    """A brand-new PostgreSQL database (no schema: the migrate step makes it)."""
    with scratch_database("ioc_province") as url:
        yield url.render_as_string(hide_password=False)


@dataclass
class Province:
    store: Store
    prefix: str
    web_port: int
    roles: dict[str, RoleProcess]
    workdir: Path

    def get(self, path: str, **headers: str) -> tuple[int, str, str]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.web_port}{path}", headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read().decode("utf-8", errors="replace")
            return response.status, response.headers.get_content_type(), body

    def healthy(self) -> bool:
        try:
            return self.get("/healthz")[0] == 200
        except OSError:
            return False

    def workers(self, role: str) -> dict[str, dict[str, float]]:
        with self.store.session() as session:
            rows = session.scalars(select(WorkerStat).where(WorkerStat.role == role))
            return {row.worker_id: dict(row.counters) for row in rows}

    def logs(self) -> str:
        return "\n".join(f"--- {n}\n{r.output()[-1500:]}" for n, r in self.roles.items())


def register_cameras(store: Store, var_dir: Path) -> None:
    """The province's geography and cameras (test data; `ioc units seed`/`cameras import`)."""
    assert all(assignment(STREAMS, 2).values())  # both shards have cameras to take
    seed_default_units(store)
    clip = write_video(
        var_dir / "clouds.avi", render_frames(ClipSpec("clouds", "none", None, 5), seconds=4)
    )
    specs = [
        CameraSpec(c, c, 108.42 + n * 0.01, 11.94, stream_url=str(clip))
        for n, c in enumerate(STREAMS)
    ]
    specs.append(CameraSpec(WATCH, "Đồi Robin", 108.44, 11.93, direction_deg=180, fov_deg=90))
    located = locate_cameras(store, specs, date.today(), var_dir)
    with store.session() as session:
        upsert_cameras(session, located)


def start_roles(database_url: str, mqtt_port: int, prefix: str, workdir: Path) -> Province:
    """The roles of docker-compose.yml / deploy/systemd, each its own process."""
    env = role_env(database_url, mqtt_port, prefix, workdir / "var")
    env.update({"IOC_INGEST__STATS_INTERVAL_S": "0.5", "IOC_INGEST__MAX_LATENCY_S": "0.1"})
    web_port = free_port()
    group = f"ingest{uuid.uuid4().hex[:6]}"
    specs = {
        "serve": (
            ["serve", "--gunicorn"],
            {"IOC_WEB__PORT": str(web_port), "IOC_WEB__WORKERS": "2", "IOC_WEB__THREADS": "2"},
        ),
        "incidents": (["incidents", "run"], {}),
    }
    for n in (1, 2):  # ioc-ingest@1, ioc-ingest@2
        specs[f"ingest-{n}"] = (
            ["ingest"],
            {
                "IOC_MQTT__PROTOCOL": "5",
                "IOC_MQTT__SHARED_GROUP": group,
                "IOC_MQTT__CLIENT_ID": f"{group}-{n}",
                "IOC_MQTT__SESSION_EXPIRY_S": "120",
            },
        )
    for shard in (0, 1):  # ioc-cameras@0, ioc-cameras@1
        specs[f"cameras-{shard}"] = (
            ["cameras", "run"],
            {
                "IOC_CAMERA_WORKER__SHARD_COUNT": "2",
                "IOC_CAMERA_WORKER__SHARD_INDEX": str(shard),
                "IOC_CAMERA_WORKER__HEARTBEAT_INTERVAL_S": "1",
                "IOC_CAMERA_WORKER__STATS_INTERVAL_S": "1",
            },
        )
    roles = {
        name: RoleProcess(name, args, {**env, **extra}, workdir).start()
        for name, (args, extra) in specs.items()
    }
    return Province(open_store(database_url), prefix, web_port, roles, workdir)


@pytest.fixture
def province(fresh_database: str, mosquitto: tuple[str, int], tmp_path: Path) -> Iterator[Province]:
    prefix = f"province-{uuid.uuid4().hex[:8]}/v1"
    env = role_env(fresh_database, mosquitto[1], prefix, tmp_path / "var")
    assert "-> " in run_once(["db", "upgrade"], env, tmp_path)  # the migrate step
    store = open_store(fresh_database)
    register_cameras(store, tmp_path)
    store.dispose()
    running = start_roles(fresh_database, mosquitto[1], prefix, tmp_path)
    try:
        ready = wait_for(
            lambda: (
                running.healthy()
                and len(running.workers("ingest")) == 2
                and "incidents worker started" in running.roles["incidents"].output()
            ),
            READY_S,
        )
        assert ready, running.logs()
        yield running
    finally:
        codes = dict(zip(running.roles, stop_all(list(running.roles.values())), strict=True))
        running.store.dispose()
    assert all(code == 0 for code in codes.values()), (codes, running.logs())


def first_message_stored(province: Province, publisher: Publisher) -> bool:
    """m0 until one is stored: both workers' subscriptions are live (nothing to drop)."""
    first = datetime.now(UTC)  # the same m0 each time: a late copy is a duplicate
    for _ in range(100):
        publisher.send(0, 1, ts=first)
        if wait_for(lambda: stored(province.store)[0] > 0, 0.5):
            return True
    return False


def test_province_roles_store_everything_once(province: Province) -> None:
    alerts: list[tuple[str, bytes]] = []
    port = int(province.roles["serve"].env["IOC_MQTT__PORT"])
    alert_listener = listener(port, f"{province.prefix}/+/alert/#", alerts)
    publisher = Publisher(port, province.prefix)
    try:
        assert first_message_stored(province, publisher), province.logs()
        kill_one_ingest_worker_mid_stream(province, publisher)
        detection_becomes_an_incident(province, publisher, alerts)
    finally:
        publisher.close()
        alert_listener.loop_stop()
        alert_listener.disconnect()
    cameras_are_split_between_the_shards(province)
    the_web_role_answers(province)


def kill_one_ingest_worker_mid_stream(province: Province, publisher: Publisher) -> None:
    store, roles = province.store, province.roles
    publisher.send(1, MESSAGES // 2, rate=1000)
    assert wait_for(lambda: stored(store)[0] >= 100, 30), province.logs()
    roles["ingest-1"].kill()  # SIGKILL: no flush, no acknowledgement
    at_kill = stored(store)[0]
    publisher.send(MESSAGES // 2, MESSAGES, rate=1000)
    # The other worker carries on while ingest-1 is down ...
    assert wait_for(lambda: stored(store)[0] >= at_kill + 100, 30), province.logs()
    # ... and ingest-1 comes back with its session, as systemd's Restart=always does.
    roles["ingest-1"] = RoleProcess("ingest-1", ["ingest"], roles["ingest-1"].env, province.workdir)
    roles["ingest-1"].start()
    assert wait_for(lambda: stored(store)[0] >= MESSAGES, 60), (stored(store), province.logs())
    # The new process reports under ingest-1's stable id: still one row per worker.
    assert wait_for(lambda: len(province.workers("ingest")) == 2, 10)
    assert stored(store) == (MESSAGES, MESSAGES)  # every message once, none twice


def detection_becomes_an_incident(
    province: Province, publisher: Publisher, alerts: list[tuple[str, bytes]]
) -> None:
    body = {
        "v": 1,
        "msg_id": f"det-{uuid.uuid4().hex[:8]}",
        "ts": datetime.now(UTC).isoformat(),
        "kind": "smoke",
        "score": 0.9,
        "bbox": [0.4, 0.3, 0.1, 0.1],
    }
    topic = f"{province.prefix}/camera/{WATCH}/detection"
    publisher.client.publish(topic, json.dumps(body), qos=1).wait_for_publish(10)

    def incidents() -> list[Incident]:
        with province.store.session() as session:
            return list(session.scalars(select(Incident)))

    assert wait_for(lambda: len(incidents()) == 1, 30), province.logs()
    assert incidents()[0].camera_id == WATCH
    assert wait_for(lambda: bool(alerts), 20), province.logs()  # field staff are told
    assert all(json.loads(payload) for _, payload in alerts)


def cameras_are_split_between_the_shards(province: Province) -> None:
    def analysed() -> dict[int, dict[str, float]]:
        found = {}
        for counters in province.workers("cameras").values():
            mine = {k[7:]: v for k, v in counters.items() if k.startswith("camera.")}
            found[int(counters["shard_index"])] = mine
        return found

    assert wait_for(
        lambda: (
            len(analysed()) == 2
            and all(min(c.values(), default=0) > 0 for c in analysed().values())
        ),
        30,
    ), province.logs()
    shards = {shard: sorted(cams) for shard, cams in analysed().items()}
    assert shards == {shard: sorted(ids) for shard, ids in assignment(STREAMS, 2).items()}

    def heard() -> set[str]:  # camera worker → Mosquitto → ingest → PostGIS
        with province.store.session() as session:
            rows = session.scalars(select(Camera.id).where(Camera.last_heartbeat_at.is_not(None)))
            return set(rows)

    assert wait_for(lambda: heard() == set(STREAMS), 20), heard()


def the_web_role_answers(province: Province) -> None:
    status, kind, body = province.get("/healthz")
    assert (status, kind, json.loads(body)) == (200, "application/json", {"status": "ok"})
    status, _kind, body = province.get("/readyz")
    assert (status, json.loads(body)["checks"]) == (200, {"database": "ok"})
    signed = sign_in(province.store, Role.ADMIN)  # every page and /metrics need a session
    cookie = "; ".join(f"{name}={value}" for name, value in signed.cookies().items())
    status, kind, body = province.get("/", **{"X-Forwarded-For": "203.0.113.7", "Cookie": cookie})
    assert (status, kind) == (200, "text/html") and "_dash-config" in body
    status, _kind, body = province.get("/metrics", Cookie=cookie)
    assert status == 200
    # ingest-1 and -2 once each: the restarted ingest-1 reports under its stable id again.
    assert body.count("ioc_ingest_received_total{") == 2
    frames = [
        line for line in body.splitlines() if line.startswith("ioc_camera_frames_analysed_total{")
    ]
    for camera in STREAMS:  # every camera under exactly one camera worker
        assert sum(f'camera="{camera}"' in line for line in frames) == 1, frames
    serve = province.roles["serve"]
    assert len(children(serve.pid)) == 2, serve.output()  # gunicorn's two workers
    assert "203.0.113.7 127.0.0.1" in serve.output()  # access log: client first, then proxy


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found
