"""Ingest benchmark: N sensor messages through a real Mosquitto into the store, with faults.

A separate publisher process sends N messages (QoS 1, MQTT v5) of K readings each to a
Mosquitto the bench starts on its own port, with persistence; an ``ioc ingest`` worker
process stores them at the product's ingest settings (MQTT v5, as ``deploy/`` sets it);
this process polls for the run's rows every 0.1 s and reports throughput,
publish-to-visible latency (to the commit that made a row visible), lost and stored
duplicates over this run's msg_ids, what the worker counted (redeliveries, duplicates
skipped) and its peak RSS. The last line printed is one JSON object.

Faults: ``--kill-worker-at 0.5`` SIGKILLs the worker when half the rows are stored and
starts it again; ``--restart-broker-at 0.5`` stops Mosquitto (it saves its sessions and
queues), starts it again and the publisher (paho, then) resends what was not
acknowledged. ``--baseline`` also runs the naive loop of ``bench/baseline.py`` on the same
broker and database and gives the worker's throughput as a ratio of it.

    python bench/ingest.py --kill-worker-at 0.5 --baseline
    python bench/ingest.py --restart-broker-at 0.5 --messages 50000
    python bench/ingest.py --batch 100 --messages 5000      # gateways: 100 readings each
    python bench/ingest.py --rate 5000 --messages 50000     # latency at a fixed rate
    python bench/ingest.py --database-url sqlite:///var/bench.db
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import profile  # noqa: E402
from bench.ingest_load import Plan, publish, publish_once, publish_resilient, topic  # noqa: E402
from bench.ingest_watch import Watcher, run_counts, worker_counters  # noqa: E402
from bench.results import add_out_argument, emit  # noqa: E402
from ioc.config import IngestSettings, MqttSettings  # noqa: E402
from ioc.store import open_store  # noqa: E402
from ioc.store.migrate import upgrade  # noqa: E402
from testkit.helpers import wait_for  # noqa: E402
from testkit.mosquitto_proc import MosquittoProcess  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/ioc_bench"
DEFAULTS = IngestSettings()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--messages", type=int, default=200_000, help="messages to publish")
    add("--batch", type=int, default=1, help="readings per message (gateway)")
    add("--rate", type=float, default=0, help="messages/s; 0 = as fast as possible")
    add("--database-url", default=DEFAULT_PG, help="store to ingest into")
    add("--batch-size", type=int, default=DEFAULTS.batch_size, help="worker rows per write")
    add("--stall-timeout", type=float, default=30, help="give up after no progress")
    add(
        "--kill-worker-at",
        type=fraction,
        default=None,
        metavar="F",
        help="SIGKILL the worker when this fraction is stored, then start it again",
    )
    add(
        "--restart-broker-at",
        type=fraction,
        default=None,
        metavar="F",
        help="restart Mosquitto when this fraction is stored (publisher: paho)",
    )
    add("--baseline", action="store_true", help="also run the naive loop (bench/baseline.py)")
    add(
        "--profile",
        type=float,
        default=0,
        metavar="SECONDS",
        help="sample the worker with py-spy this long from a fifth of the run on",
    )
    add_out_argument(parser)
    args = parser.parse_args(argv)
    if args.messages < 1 or args.batch < 1:
        parser.error("--messages and --batch must be at least 1")
    if args.baseline and make_url(args.database_url).get_backend_name() != "postgresql":
        parser.error("--baseline COPYs into PostgreSQL: give a postgresql --database-url")
    return args


def fraction(value: str) -> float:
    number = float(value)
    if not 0 < number < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a fraction between 0 and 1")
    return number


def ensure_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        found = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}
        )
        if not found:
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def prepare_store(url: str) -> Any:
    """The bench's own database, migrated and emptied of earlier runs; returns its engine."""
    ensure_database(url)
    store = open_store(url)
    upgrade(store)
    with store.engine.begin() as conn:
        for table in ("sensor_readings", "dead_letters", "worker_stats"):
            conn.execute(text(f"DELETE FROM {table}"))
    return store.engine


def settings_differing(args: argparse.Namespace) -> dict[str, Any]:
    """The worker settings this run changed from the product's defaults (MQTT v5 always:
    the deployment's choice in ``deploy/``, and what the persistent session relies on)."""
    found: dict[str, Any] = {}
    if MqttSettings().protocol != "5":
        found["mqtt.protocol"] = "5"
    if args.batch_size != DEFAULTS.batch_size:
        found["ingest.batch_size"] = args.batch_size
    return found


@dataclass
class Worker:
    """``ioc ingest`` as a child process; restarts keep its client id (its session)."""

    url: str
    port: int
    prefix: str
    batch_size: int
    client_id: str = field(default_factory=lambda: f"bench-worker-{uuid.uuid4().hex[:6]}")
    process: subprocess.Popen[bytes] | None = None
    peak_rss_mb: float = 0.0
    starts: int = 0  # processes started (a SIGKILLed one is started again)

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
        env.update(
            {
                "IOC_DATABASE__URL": self.url,
                "IOC_MQTT__PORT": str(self.port),
                "IOC_MQTT__PROTOCOL": "5",
                "IOC_MQTT__TOPIC_PREFIX": self.prefix,
                "IOC_MQTT__CLIENT_ID": self.client_id,
                "IOC_LOG_LEVEL": "WARNING",
                "IOC_INGEST__BATCH_SIZE": str(self.batch_size),
            }
        )
        command = [sys.executable, "-m", "ioc.cli", "ingest"]
        self.process = subprocess.Popen(command, env=env, cwd=ROOT)
        self.starts += 1

    def note_rss(self) -> None:
        if self.process is not None:
            status = Path(f"/proc/{self.process.pid}/status")
            for line in status.read_text().splitlines() if status.exists() else []:
                if line.startswith("VmHWM:"):
                    self.peak_rss_mb = max(self.peak_rss_mb, int(line.split()[1]) / 1024)

    def kill(self) -> None:
        assert self.process is not None
        self.note_rss()
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.note_rss()
            self.process.terminate()
            self.process.wait(30)


def wait_until_storing(engine: Any, port: int, prefix: str, timeout: float = 60) -> None:
    """Publish probes until the consumer stores one (it has subscribed by then)."""
    probes = Watcher(engine, f"probe-{prefix.split('/', maxsplit=1)[0]}-")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        publish_once(port, prefix, f"{probes.tag}{uuid.uuid4().hex[:6]}")
        if wait_for(lambda: probes.poll() > 0, timeout=2, every=0.1):
            return
    raise SystemExit("the consumer did not start storing within a minute")


class Faults:
    """Injects the requested fault once, when the stored count passes its fraction."""

    def __init__(
        self, args: argparse.Namespace, expected: int, worker: Worker, broker: MosquittoProcess
    ) -> None:
        self.args, self.expected, self.worker, self.broker = args, expected, worker, broker
        self.done: list[str] = []
        self.profile: dict[str, object] = {}
        self.profiler: threading.Thread | None = None

    def __call__(self, count: int) -> None:
        if self.args.profile and self.profiler is None and count >= 0.2 * self.expected:
            self.start_profiler()
        kill, restart = self.args.kill_worker_at, self.args.restart_broker_at
        if kill is not None and "kill" not in self.done and count >= kill * self.expected:
            self.done.append("kill")
            print(f"  SIGKILL the worker at {count:,}; starting it again", file=sys.stderr)
            self.worker.kill()
            self.worker.start()
        if restart is not None and "restart" not in self.done and count >= restart * self.expected:
            self.done.append("restart")
            print(f"  restarting Mosquitto at {count:,}", file=sys.stderr)
            self.broker.restart(down_for=1.0)

    def start_profiler(self) -> None:
        """py-spy on the worker (in a thread: the bench keeps watching meanwhile)."""
        assert self.worker.process is not None
        pid, seconds = self.worker.process.pid, self.args.profile
        self.profiler = threading.Thread(
            target=lambda: self.profile.update(profile.record(pid, seconds))
        )
        self.profiler.start()


def consume(
    engine: Any, port: int, prefix: str, plan: Plan, args: argparse.Namespace, *, hook: Any = None
) -> dict[str, Any]:
    """Publish ``plan`` and watch its rows stored: throughput, latency, lost, duplicates."""
    expected = plan.messages * plan.batch
    resilient = args.restart_broker_at is not None
    done = mp.Event()
    target = publish_resilient if resilient else publish
    publisher = mp.Process(target=target, args=(port, prefix, plan, done))
    watcher = Watcher(engine, plan.tag)
    started = time.monotonic()
    publisher.start()
    finished = watcher.watch(expected, args.stall_timeout, hook)
    done.set()
    publisher.join(60)
    rows, distinct = run_counts(engine, plan.tag)
    elapsed = max(finished - started, 1e-9)
    return {
        "seconds": round(elapsed, 2),
        "msgs_per_s": round(distinct / plan.batch / elapsed, 1),
        "readings_per_s": round(distinct / elapsed, 1),
        "lost": expected - distinct,
        "stored_duplicates": rows - distinct,
        **watcher.latency(),
        "publisher": "paho" if resilient else "mosquitto_pub",
    }


def worker_run(
    args: argparse.Namespace, engine: Any, broker: MosquittoProcess, plan: Plan
) -> dict[str, Any]:
    prefix = f"bench-{uuid.uuid4().hex[:6]}/v1"
    worker = Worker(args.database_url, broker.port, prefix, args.batch_size)
    worker.start()
    try:
        wait_until_storing(engine, broker.port, prefix)
        faults = Faults(args, plan.messages * plan.batch, worker, broker)
        found = consume(engine, broker.port, prefix, plan, args, hook=faults)
        if faults.profiler is not None:
            faults.profiler.join()
    finally:
        worker.stop()
    counters = worker_counters(engine, worker.client_id)
    return {
        **found,
        "faults": faults.done,
        "redeliveries_absorbed": int(counters.get("redelivered", 0)),
        "worker_duplicates_skipped": int(counters.get("duplicates", 0)),
        "worker_processes": worker.starts,
        "peak_rss_mb": round(worker.peak_rss_mb, 1),
        **({"profile": faults.profile} if args.profile else {}),
    }


def baseline_run(
    args: argparse.Namespace, engine: Any, broker: MosquittoProcess, plan: Plan
) -> dict[str, Any]:
    prefix = f"base-{uuid.uuid4().hex[:6]}/v1"
    command = [sys.executable, "-m", "bench.baseline", "--port", str(broker.port)]
    command += ["--topic", topic(prefix), "--database-url", args.database_url]
    loop = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert loop.stdout is not None
        loop.stdout.readline()  # "subscribed"
        wait_until_storing(engine, broker.port, prefix)
        no_faults = argparse.Namespace(**{**vars(args), "restart_broker_at": None})
        return consume(engine, broker.port, prefix, plan, no_faults)
    finally:
        loop.terminate()
        loop.wait(30)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    backend = make_url(args.database_url).get_backend_name()
    print(
        f"ingest bench: {args.messages:,} messages × {args.batch} readings into {backend}",
        file=sys.stderr,
    )
    engine = prepare_store(args.database_url)
    run = uuid.uuid4().hex[:6]
    with tempfile.TemporaryDirectory() as tmp:
        broker = MosquittoProcess(Path(tmp))
        broker.start()
        try:
            plan = Plan(args.messages, args.batch, args.rate, tag=f"w{run}-")
            worker = worker_run(args, engine, broker, plan)
            base = None
            if args.baseline:
                print(
                    "  the naive loop (bench/baseline.py), same broker and database",
                    file=sys.stderr,
                )
                base_plan = Plan(args.messages, args.batch, args.rate, tag=f"b{run}-")
                base = baseline_run(args, engine, broker, base_plan)
        finally:
            broker.stop()
    result = summary(args, backend, worker, base)
    emit(result, args.out)
    return 0 if result["lost"] == 0 and result["stored_duplicates"] == 0 else 1


def summary(
    args: argparse.Namespace, backend: str, worker: dict[str, Any], base: dict[str, Any] | None
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "bench": "ingest",
        "backend": backend,
        "messages": args.messages,
        "readings_per_message": args.batch,
        "rate_limit": args.rate,
        "kill_worker_at": args.kill_worker_at,
        "restart_broker_at": args.restart_broker_at,
        "settings_differing": settings_differing(args),
        **worker,
    }
    if base is not None:
        result["baseline_msgs_per_s"] = base["msgs_per_s"]
        result["baseline_lost"] = base["lost"]
        result["baseline_p95_latency_s"] = base["p95_latency_s"]
        result["ratio"] = round(worker["msgs_per_s"] / max(base["msgs_per_s"], 1e-9), 2)
    return result


if __name__ == "__main__":
    sys.exit(main())
