"""Ingest benchmark: N sensor messages through a real Mosquitto into the store.

A separate publisher process sends N messages (QoS 1) of K readings each; an ``ioc ingest``
worker process stores them; this process watches the table until every reading is there
(or progress stops) and reports throughput, publish-to-stored latency, lost and duplicated
rows and the worker's peak RSS. The last line printed is one JSON object.

    python bench/ingest.py --messages 200000
    python bench/ingest.py --batch 100 --messages 20000
    python bench/ingest.py --rate 5000 --messages 50000        # latency at a fixed rate
    python bench/ingest.py --database-url sqlite:///var/bench.db
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ioc.store import open_store  # noqa: E402
from ioc.store.migrate import upgrade  # noqa: E402
from ioc.store.models import SensorReading  # noqa: E402
from testkit.mosquitto_proc import MosquittoProcess  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/ioc_bench"
STATION = "DL-AQ-01"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=200_000, help="messages to publish")
    parser.add_argument("--batch", type=int, default=1, help="readings per message (gateway)")
    parser.add_argument("--rate", type=float, default=0, help="messages/s; 0 = as fast as possible")
    parser.add_argument("--database-url", default=DEFAULT_PG, help="store to ingest into")
    parser.add_argument("--batch-size", type=int, default=2000, help="worker rows per write")
    parser.add_argument("--stall-timeout", type=float, default=30, help="give up after no progress")
    return parser.parse_args()


def ensure_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}
        )
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def prepare_store(url: str) -> None:
    ensure_database(url)
    store = open_store(url)
    upgrade(store)
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM sensor_readings"))
        conn.execute(text("DELETE FROM dead_letters"))
    store.dispose()


@dataclass(frozen=True)
class Plan:
    """What the publisher sends: messages of ``batch`` readings at ``rate`` msg/s (0 = max)."""

    messages: int
    batch: int
    rate: float
    tag: str = "m"  # msg_id prefix: runs into the same table need their own


def publish(port: int, prefix: str, plan: Plan, done: Any) -> None:
    """Publisher process: JSON lines piped into ``mosquitto_pub -l`` (QoS 1, MQTT v5).

    A Python paho publisher tops out near 6,000 QoS 1 messages/s on this machine, below
    what the worker takes; Mosquitto's own C client does not hold the benchmark back.
    Each line's ``ts`` is stamped as it is written, so latency includes the pipe. Its stdin
    stays open until the bench has seen every row: mosquitto_pub 2.0 drops what it still
    has queued when stdin closes.
    """
    command = [
        "mosquitto_pub",
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        "-V",
        "5",
        "-q",
        "1",
        "-M",
        "1000",
        "-l",
        "-t",
        f"{prefix}/sensor/{STATION}/reading",
    ]
    pub = subprocess.Popen(command, stdin=subprocess.PIPE)
    assert pub.stdin is not None
    started = time.monotonic()
    values = [{"q": "pm25_ugm3", "value": float(j % 50)} for j in range(plan.batch)]
    for i in range(plan.messages):
        if plan.rate > 0:
            delay = started + i / plan.rate - time.monotonic()
            if delay > 0:
                pub.stdin.flush()
                time.sleep(delay)
        body = {
            "v": 1,
            "msg_id": f"{plan.tag}{i}",
            "ts": datetime.now(UTC).isoformat(),
            "lon": 108.447,
            "lat": 11.938,
            "readings": values,
        }
        pub.stdin.write(json.dumps(body).encode() + b"\n")
    pub.stdin.flush()
    done.wait()
    pub.stdin.close()
    pub.wait(300)


def start_worker(url: str, port: int, prefix: str, batch_size: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "IOC_DATABASE__URL": url,
        "IOC_MQTT__PORT": str(port),
        "IOC_MQTT__PROTOCOL": "5",
        "IOC_MQTT__TOPIC_PREFIX": prefix,
        "IOC_MQTT__CLIENT_ID": f"bench-worker-{uuid.uuid4().hex[:6]}",
        "IOC_INGEST__BATCH_SIZE": str(batch_size),
        "IOC_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen([sys.executable, "-m", "ioc.cli", "ingest"], env=env, cwd=ROOT)


def publish_once(port: int, topic: str, body: dict[str, Any]) -> None:
    """One QoS 1 MQTT v5 message through Mosquitto's own client."""
    command = ["mosquitto_pub", "-p", str(port), "-q", "1", "-V", "5", "-t", topic]
    subprocess.run([*command, "-m", json.dumps(body)], check=True)


def wait_until_subscribed(engine: Any, port: int, prefix: str, timeout: float = 60) -> None:
    """Publish probe messages until the worker stores one, then remove the probes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = {
            "v": 1,
            "msg_id": f"probe-{uuid.uuid4().hex[:8]}",
            "ts": datetime.now(UTC).isoformat(),
            "lon": 108.447,
            "lat": 11.938,
            "readings": [{"q": "pm25_ugm3", "value": 1.0}],
        }
        publish_once(port, f"{prefix}/sensor/{STATION}/reading", body)
        time.sleep(0.5)
        if stored_count(engine) > 0:
            with engine.begin() as conn:
                conn.execute(text("DELETE FROM sensor_readings"))
            return
    raise SystemExit("the ingest worker did not start storing within a minute")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def stored_count(engine: Any) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(SensorReading)) or 0)


def watch(engine: Any, expected: int, stall_timeout: float) -> tuple[int, float]:
    """Poll until all rows are stored or nothing moves for ``stall_timeout`` seconds."""
    last, last_change = -1, time.monotonic()
    while True:
        count = stored_count(engine)
        now = time.monotonic()
        if count != last:
            last, last_change = count, now
            print(f"  stored {count:>9,} / {expected:,}", file=sys.stderr, flush=True)
        if count >= expected or now - last_change > stall_timeout:
            return count, now
        time.sleep(0.5)


def latency_and_dupes(engine: Any) -> dict[str, float]:
    with engine.connect() as conn:
        rows = conn.execute(select(SensorReading.observed_at, SensorReading.stored_at)).all()
        distinct = conn.scalar(select(func.count(func.distinct(SensorReading.msg_id))))
    lags = sorted((s - o).total_seconds() for o, s in rows if s is not None)
    if not lags:
        return {"p50": 0.0, "p95": 0.0, "dupes": 0}
    dupes = len(rows) - int(distinct or 0)
    return {"p50": percentile(lags, 0.50), "p95": percentile(lags, 0.95), "dupes": dupes}


def percentile(ordered: list[float], q: float) -> float:
    """The q-quantile of an ascending list (nearest rank)."""
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    args = parse_args()
    expected = args.messages * args.batch
    backend = make_url(args.database_url).get_backend_name()
    print(
        f"ingest bench: {args.messages:,} messages × {args.batch} readings into {backend}",
        file=sys.stderr,
    )
    prepare_store(args.database_url)
    engine = open_store(args.database_url).engine
    prefix = f"bench-{uuid.uuid4().hex[:6]}/v1"
    with tempfile.TemporaryDirectory() as tmp:
        broker = MosquittoProcess(Path(tmp))
        broker.start()
        worker = start_worker(args.database_url, broker.port, prefix, args.batch_size)
        wait_until_subscribed(engine, broker.port, prefix)
        done = mp.Event()
        publisher = mp.Process(
            target=publish,
            args=(broker.port, prefix, Plan(args.messages, args.batch, args.rate), done),
        )
        started = time.monotonic()
        publisher.start()
        count, finished = watch(engine, expected, args.stall_timeout)
        done.set()
        publisher.join(30)
        rss = peak_rss_mb(worker.pid)
        worker.terminate()
        worker.wait(20)
        broker.stop()
        Path(tempfile.gettempdir(), "ioc-bench-mosquitto.log").write_text(broker.log())
    elapsed = finished - started
    stats = latency_and_dupes(engine)
    result = {
        "bench": "ingest",
        "backend": backend,
        "messages": args.messages,
        "readings_per_message": args.batch,
        "rate_limit": args.rate,
        "seconds": round(elapsed, 2),
        "msgs_per_s": round(min(count, expected) / args.batch / elapsed, 1),
        "readings_per_s": round(min(count, expected) / elapsed, 1),
        "lost": max(0, expected - count),
        "duplicated": stats["dupes"],
        "p50_latency_s": round(stats["p50"], 3),
        "p95_latency_s": round(stats["p95"], 3),
        "peak_rss_mb": round(rss, 1),
    }
    print(json.dumps(result))
    return 0 if result["lost"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
