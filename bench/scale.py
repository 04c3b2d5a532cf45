"""Scale benchmark: the IOC's roles as separate processes on this machine, scaled out.

A fresh PostGIS database with a province-year of data (``bench/dashboard.py``'s data set),
a real Mosquitto, the dashboard under gunicorn, the shared-aggregates refresher
(``ioc aggregates``) and ``ioc ingest`` workers sharing one MQTT v5 shared subscription.

1. Ingest with 1, then 2 workers: N sensor messages piped into ``mosquitto_pub -l`` as fast
   as it goes (throughput), then a fixed rate (publish → stored latency; at full speed the
   latency only measures the broker's backlog).
2. Dashboards: the overview's real Dash callback requests (recorded from Chromium) replayed
   by 1, then 50 simulated tabs over HTTP — a page load, then a refresh tick every second —
   while cameras heartbeat through MQTT, so ticks see live changes. Measures callback
   latency, requests/s and the CPU the web workers and the database spent.

Progress goes to stderr; the last line printed is one JSON object (``"bench": "scale"``).

    python bench/scale.py
    python bench/scale.py --clients 1,50 --ingest-workers 1,2 --dashboard-seconds 60
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.clients import use_database  # noqa: E402
from bench.dash_replay import SimulatedDashboard, Timings, capture_overview  # noqa: E402
from bench.dashboard import generate, start_aggregates, start_web  # noqa: E402
from bench.ingest import Plan, latency_and_dupes, percentile, publish, watch  # noqa: E402
from bench.live import _up, environment  # noqa: E402
from ioc.store import open_store  # noqa: E402
from testkit.helpers import free_port, wait_for  # noqa: E402
from testkit.mosquitto_proc import MosquittoProcess  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/ioc_bench_scale"
STATION = "DL-AQ-01"
SHARED_GROUP = "scale"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--database-url", default=DEFAULT_PG, help="PostGIS database (dropped and made anew)")
    add("--cameras", type=int, default=300, help="cameras")
    add("--detections", type=int, default=1_000_000, help="detections")
    add("--reports", type=int, default=200_000, help="citizen reports")
    add("--dossiers", type=int, default=500_000, help="dossiers")
    add("--incidents", type=int, default=50, help="open incidents")
    add("--web-workers", type=int, default=3, help="gunicorn workers (4 threads each)")
    add("--ingest-workers", default="1,2", help="ingest worker counts to measure, in order")
    add("--messages", type=int, default=100_000, help="messages of each full-speed ingest run")
    add("--rate", type=float, default=3000, help="messages/s of each fixed-rate ingest run")
    add("--rate-seconds", type=float, default=10, help="length of each fixed-rate run")
    add("--clients", default="1,50", help="simulated dashboard counts to measure, in order")
    add("--dashboard-seconds", type=float, default=45, help="length of each dashboard run")
    add("--ticks", type=int, default=10, help="refresh ticks of a dashboard between page loads")
    add("--refresh", type=float, default=1.0, help="seconds between a dashboard's ticks")
    add("--heartbeats", type=float, default=30, help="camera heartbeats/s during dashboards")
    add("--stall-timeout", type=float, default=60, help="give an ingest run up after no progress")
    add("--keep-data", action="store_true", help="reuse the database of a previous run")
    add("--phases", default="ingest,dashboards", help="which phases to run, in order")
    return parser.parse_args()


def say(message: str) -> None:
    print(f"scale bench: {message}", file=sys.stderr, flush=True)


def counts(text_list: str) -> list[int]:
    return [int(part) for part in text_list.split(",") if part.strip()]


# ---- set-up ---------------------------------------------------------------------------------


def fresh_database(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def role_environment(args: argparse.Namespace, port: int, prefix: str) -> dict[str, str]:
    env = environment(args.database_url, port, prefix, args.refresh)
    env.update(
        {
            "IOC_AGGREGATES__IN_WEB": "false",
            "IOC_MQTT__SHARED_GROUP": SHARED_GROUP,
            "IOC_MQTT__RECEIVE_MAXIMUM": "10000",
            "IOC_INGEST__BATCH_SIZE": "2000",
            "IOC_INGEST__MAX_LATENCY_S": "0.1",
            "IOC_MQTT__SESSION_EXPIRY_S": "0",  # a stopped worker leaves no share behind
        }
    )
    return env


def start_ingest(env: dict[str, str], index: int) -> subprocess.Popen[bytes]:
    """One ``ioc ingest`` worker (each needs its own MQTT client id)."""
    own = {**env, "IOC_MQTT__CLIENT_ID": f"scale-ingest-{index}-{uuid.uuid4().hex[:6]}"}
    return subprocess.Popen([sys.executable, "-m", "ioc.cli", "ingest"], cwd=ROOT, env=own)


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(30)


# ---- ingest ---------------------------------------------------------------------------------


def clear_readings(engine: Any) -> None:
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM sensor_readings"))


def worker_counters(engine: Any) -> list[Any]:
    """What each ingest worker last reported (received, stored, rejected...)."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT worker_id, counters FROM worker_stats")).all()
    return [(row[0][-12:], row[1]) for row in rows]


def wait_until_storing(engine: Any, port: int, prefix: str) -> None:
    """Probe readings until the workers store one (every worker has subscribed by then,
    give or take a couple of seconds), then remove them. Until a worker has subscribed,
    the broker drops what is published: a run must not start before."""
    clear_readings(engine)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        plan = Plan(5, 1, 0, tag=f"probe-{uuid.uuid4().hex[:6]}-")
        done = mp.Event()
        done.set()
        publish(port, prefix, plan, done)
        time.sleep(1)
        with engine.connect() as conn:
            if conn.scalar(text("SELECT count(*) FROM sensor_readings")):
                time.sleep(3)
                clear_readings(engine)
                return
    raise SystemExit("the ingest workers stored nothing within a minute")


def ingest_run(engine: Any, port: int, prefix: str, plan: Plan, stall: float) -> dict[str, float]:
    """Publish ``plan`` and watch it stored: throughput, latency, lost, duplicated."""
    clear_readings(engine)
    done = mp.Event()
    publisher = mp.Process(target=publish, args=(port, prefix, plan, done))
    started = time.monotonic()
    publisher.start()
    stored, finished = watch(engine, plan.messages, stall)
    if stored < plan.messages:
        say(f"  stalled at {stored:,}; workers' counters: {worker_counters(engine)}")
    done.set()
    publisher.join(60)
    stats = latency_and_dupes(engine)
    elapsed = finished - started
    return {
        "messages": plan.messages,
        "rate_limit": plan.rate,
        "seconds": round(elapsed, 2),
        "msgs_per_s": round(min(stored, plan.messages) / elapsed, 1),
        "p50_latency_s": round(stats["p50"], 3),
        "p95_latency_s": round(stats["p95"], 3),
        "lost": max(0, plan.messages - stored),
        "duplicated": int(stats["dupes"]),
    }


def ingest_phase(
    args: argparse.Namespace, env: dict[str, str], port: int, prefix: str, engine: Any
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for workers in counts(args.ingest_workers):
        say(f"ingest with {workers} worker(s) in shared group '{SHARED_GROUP}'")
        processes = [start_ingest(env, i) for i in range(workers)]
        try:
            wait_until_storing(engine, port, prefix)
            plan = Plan(args.messages, 1, 0, f"w{workers}f-")
            full = ingest_run(engine, port, prefix, plan, args.stall_timeout)
            say(f"  full speed: {full['msgs_per_s']:,} msg/s, lost {full['lost']}")
            fixed_n = int(args.rate * args.rate_seconds)
            plan = Plan(fixed_n, 1, args.rate, f"w{workers}r-")
            fixed = ingest_run(engine, port, prefix, plan, args.stall_timeout)
            say(f"  at {args.rate:.0f}/s: p95 {fixed['p95_latency_s']} s, lost {fixed['lost']}")
        finally:
            stop(processes)
        results[str(workers)] = {"full_speed": full, "fixed_rate": fixed}
    clear_readings(engine)
    return results


# ---- dashboards -----------------------------------------------------------------------------


def heartbeats(port: int, prefix: str, cameras: int, per_s: float, halt: threading.Event) -> None:
    """Camera heartbeats (and a detection every 10 s) while the dashboards run."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.connect("127.0.0.1", port)
    client.loop_start()
    sent = 0
    started = time.monotonic()
    while not halt.is_set():
        camera = f"B-{1 + sent % cameras}"
        stamp = datetime.now(UTC).isoformat()
        body = {"v": 1, "msg_id": f"hb-{uuid.uuid4().hex}", "ts": stamp, "health": "ok"}
        client.publish(f"{prefix}/camera/{camera}/heartbeat", json.dumps(body), qos=1)
        if sent % max(1, int(per_s * 10)) == 0:
            found = {
                "v": 1,
                "msg_id": f"det-{uuid.uuid4().hex}",
                "ts": stamp,
                "kind": "smoke",
                "score": 0.9,
            }
            client.publish(f"{prefix}/camera/{camera}/detection", json.dumps(found), qos=1)
        sent += 1
        halt.wait(max(0.0, started + sent / per_s - time.monotonic()))
    client.loop_stop()
    client.disconnect()


def database_pids(url: str) -> list[int]:
    """Server processes serving the bench's database (other databases share the server)."""
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        ).all()
    engine.dispose()
    return [int(row[0]) for row in rows]


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    found = {}
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.Error:
            continue
        found[pid] = times.user + times.system
    return found


def tree(pid: int) -> list[int]:
    process = psutil.Process(pid)
    return [pid, *(child.pid for child in process.children(recursive=True))]


def spent(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(value - before.get(pid, 0.0) for pid, value in after.items())


def dashboard_run(
    args: argparse.Namespace, url: str, bodies: list[dict[str, Any]], clients: int, web_pid: int
) -> dict[str, Any]:
    """``clients`` simulated dashboards for ``--dashboard-seconds``."""
    timings = Timings()
    tabs = [
        SimulatedDashboard(url, bodies, args.refresh, args.ticks, timings) for _ in range(clients)
    ]
    halt = threading.Event()
    threads = [threading.Thread(target=tab.run, args=(halt,), daemon=True) for tab in tabs]
    web_before = cpu_seconds(tree(web_pid))
    db_before = cpu_seconds(database_pids(args.database_url))
    started = time.monotonic()
    for thread in threads:
        thread.start()
        time.sleep(min(0.05, args.refresh / max(1, clients)))  # tabs opened over a second
    halt.wait(args.dashboard_seconds)
    halt.set()
    for thread in threads:
        thread.join(60)
    elapsed = time.monotonic() - started
    web_cpu = spent(web_before, cpu_seconds(tree(web_pid)))
    db_cpu = spent(db_before, cpu_seconds(database_pids(args.database_url)))
    return summary(timings, clients, elapsed, web_cpu, db_cpu)


def summary(
    timings: Timings, clients: int, elapsed: float, web_cpu: float, db_cpu: float
) -> dict[str, Any]:
    every = sorted(timings.load + timings.tick)
    load, tick = sorted(timings.load), sorted(timings.tick)

    def p(values: list[float], q: float) -> float:
        return round(percentile(values, q), 3) if values else 0.0

    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(every),
        "requests_per_s": round(len(every) / elapsed, 1),
        "errors": timings.errors,
        "callback_p50_s": p(every, 0.5),
        "callback_p95_s": p(every, 0.95),
        "tick_p50_s": p(tick, 0.5),
        "tick_p95_s": p(tick, 0.95),
        "load_p50_s": p(load, 0.5),
        "load_p95_s": p(load, 0.95),
        "callback_max_s": round(every[-1], 3) if every else 0.0,
        "web_cpu_s_per_s": round(web_cpu / elapsed, 3),
        "db_cpu_s_per_s": round(db_cpu / elapsed, 3),
    }


def dashboard_phase(
    args: argparse.Namespace, env: dict[str, str], url: str, *, port: int, prefix: str, web_pid: int
) -> dict[str, Any]:
    worker = start_ingest(env, 99)
    halt = threading.Event()
    beats = threading.Thread(
        target=heartbeats, args=(port, prefix, args.cameras, args.heartbeats, halt), daemon=True
    )
    beats.start()
    results: dict[str, Any] = {}
    try:
        say("recording the overview's callbacks in Chromium")
        bodies = capture_overview(url)
        say(f"  {len(bodies)} callback requests per page load")
        for clients in counts(args.clients):
            say(f"{clients} simulated dashboard(s) for {args.dashboard_seconds:.0f} s")
            results[str(clients)] = found = dashboard_run(args, url, bodies, clients, web_pid)
            say(
                f"  {found['requests_per_s']} req/s, p95 {found['callback_p95_s']} s, "
                f"web CPU {found['web_cpu_s_per_s']} s/s, DB CPU {found['db_cpu_s_per_s']} s/s"
            )
    finally:
        halt.set()
        beats.join(10)
        stop([worker])
    return results


def main() -> int:
    args = parse_args()
    if not args.keep_data:
        say(f"fresh database {make_url(args.database_url).database}, province-year data set")
        fresh_database(args.database_url)
        generate(args)
    use_database(args.database_url)
    engine = open_store(args.database_url).engine
    prefix, web_port = f"scale-{uuid.uuid4().hex[:6]}/v1", free_port()
    url = f"http://127.0.0.1:{web_port}"
    with tempfile.TemporaryDirectory() as tmp:
        broker = MosquittoProcess(Path(tmp))
        broker.start()
        env = role_environment(args, broker.port, prefix)
        roles = [start_aggregates(env), start_web(env, web_port, args.web_workers)]
        try:
            assert wait_for(lambda: _up(url + "/"), timeout=90), "dashboard did not start"
            phases = args.phases.split(",")
            ingest, dashboards = {}, {}
            if "ingest" in phases:
                ingest = ingest_phase(args, env, broker.port, prefix, engine)
            if "dashboards" in phases:
                dashboards = dashboard_phase(
                    args, env, url, port=broker.port, prefix=prefix, web_pid=roles[1].pid
                )
        finally:
            stop(roles)
            broker.stop()
    result = {
        "bench": "scale",
        "cpus": os.cpu_count(),
        "cameras": args.cameras,
        "detections": args.detections,
        "reports": args.reports,
        "dossiers": args.dossiers,
        "web_workers": args.web_workers,
        "ingest": ingest,
        "dashboards": dashboards,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
