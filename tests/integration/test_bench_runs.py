"""The benches at a tiny size against the real services (not timed): the ingest bench
injects its faults and counts what happened; a simulated screen counts failed requests
and its own exceptions instead of timing them as 0 s or dying silently."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bench.clients import open_client, use_database
from bench.dash_replay import SimulatedDashboard, Timings
from ioc.store import Store

ROOT = Path(__file__).resolve().parents[2]
INGEST_KEYS = {
    "lost",
    "stored_duplicates",
    "redeliveries_absorbed",
    "worker_duplicates_skipped",
    "msgs_per_s",
    "p50_latency_s",
    "p95_latency_s",
    "faults",
    "settings_differing",
}


def run_ingest(url: str, out: Path, *flags: str) -> dict[str, Any]:
    command = [sys.executable, "bench/ingest.py", "--messages", "3000", "--rate", "1000"]
    command += ["--database-url", url, "--out", str(out), *flags]
    done = subprocess.run(
        command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=400
    )
    assert done.returncode == 0, done.stderr[-3000:]
    printed: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    written = json.loads(out.read_text())
    assert written["meta"]["command"].startswith("python bench/ingest.py")
    assert {k: v for k, v in written.items() if k != "meta"} == printed
    return printed


@pytest.mark.postgis
@pytest.mark.mosquitto
def test_ingest_bench_kills_the_worker_and_compares_with_the_naive_loop(
    postgis_store: Store, postgis_url: str, tmp_path: Path
) -> None:
    found = run_ingest(
        postgis_url, tmp_path / "ingest.json", "--kill-worker-at", "0.5", "--baseline"
    )
    assert found.keys() >= INGEST_KEYS | {"baseline_msgs_per_s", "ratio"}
    assert found["faults"] == ["kill"]
    assert found["worker_processes"] == 2
    assert (found["lost"], found["stored_duplicates"], found["baseline_lost"]) == (0, 0, 0)
    assert found["redeliveries_absorbed"] > 0


@pytest.mark.postgis
@pytest.mark.mosquitto
def test_ingest_bench_restarts_its_own_broker(
    postgis_store: Store, postgis_url: str, tmp_path: Path
) -> None:
    found = run_ingest(postgis_url, tmp_path / "restart.json", "--restart-broker-at", "0.5")
    assert found.keys() >= INGEST_KEYS
    assert (found["faults"], found["publisher"]) == (["restart"], "paho")
    assert (found["lost"], found["stored_duplicates"]) == (0, 0)
    assert found["redeliveries_absorbed"] > 0


class Flaky(BaseHTTPRequestHandler):
    """Answers callbacks: the 2nd request with 500, the 3rd and 4th by hanging up (a client
    sends once more after a hang-up on a used connection), others with {}."""

    calls = 0

    def do_POST(self) -> None:
        Flaky.calls += 1
        self.rfile.read(int(self.headers["Content-Length"]))
        if Flaky.calls in {3, 4}:
            self.connection.close()
            return
        status = 500 if Flaky.calls == 2 else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        del args


def test_a_simulated_screen_counts_failures_and_its_own_exceptions(sqlite_store: Store) -> None:
    use_database(str(sqlite_store.engine.url))
    server = ThreadingHTTPServer(("127.0.0.1", 0), Flaky)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        timings = Timings()
        screen = SimulatedDashboard(url, [{"output": "x", "inputs": []}], 0.01, 1, timings)
        client = open_client(url)
        for _ in range(4):
            screen.post(client, "load", {"output": "x"})
        client.close()
        assert client.resent == 1  # the hang-up was retried once, as a browser would
        assert len(timings.load) == 2  # only the two answered requests are timed
        assert timings.errors == 2
        assert set(timings.failed) == {"status 500", "RemoteDisconnected"}
        # No refresh callback among the bodies: the screen's loop raises; it is counted.
        stop = threading.Event()
        runner = threading.Thread(target=screen.run, args=(stop,))
        runner.start()
        threading.Timer(0.5, stop.set).start()
        runner.join(10)
        assert timings.screen_errors >= 1
        assert timings.screen_failures[0].startswith("StopIteration")
    finally:
        server.shutdown()
