"""Live-update benchmark: from a detection message entering Mosquitto to the red marker on
the overview page in Chromium.

The production path: a Mosquitto of the bench's own, an ``ioc ingest`` worker process,
the dashboard under gunicorn (several workers) on PostGIS, and Debian's Chromium driven by
Playwright. Each event turns a different camera to alarm; the time is measured from just
before the publish to the moment the browser's plotly figure has the camera in its alarm
trace. The last line printed is one JSON object.

    python bench/live.py --events 30
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ingest import ensure_database, percentile, publish_once  # noqa: E402
from camera.events import detection_payload  # noqa: E402
from camera.types import Detection as CameraDetection  # noqa: E402
from ioc.auth.user_roles import Role  # noqa: E402
from ioc.geography.defaults import seed_default_units  # noqa: E402
from ioc.store import open_store  # noqa: E402
from ioc.store.cameras import CameraSpec, upsert_cameras  # noqa: E402
from ioc.store.migrate import upgrade  # noqa: E402
from ioc.store.models import Camera, Detection  # noqa: E402
from testkit.auth_support import browser_cookies, sign_in  # noqa: E402
from testkit.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from testkit.helpers import free_port, wait_for  # noqa: E402
from testkit.mosquitto_proc import MosquittoProcess  # noqa: E402
from testkit.overview_support import FIGURE_JS  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/ioc_bench_live"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=30, help="detections to time")
    parser.add_argument("--database-url", default=DEFAULT_PG, help="PostGIS database to use")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--refresh", type=float, default=1.0, help="page refresh interval, s")
    parser.add_argument("--gap", type=float, default=1.5, help="seconds between events")
    return parser.parse_args()


def prepare(url: str, cameras: int) -> None:
    """Schema, default geography and ``cameras`` online cameras around Đà Lạt."""
    ensure_database(url)
    store = open_store(url)
    upgrade(store)
    seed_default_units(store)
    now = datetime.now(UTC)
    with store.session() as session:
        session.query(Detection).delete()
        session.query(Camera).delete()
        upsert_cameras(
            session,
            [
                CameraSpec(
                    f"LIVE-{i:03d}",
                    f"Camera {i}",
                    108.30 + (i % 10) * 0.03,
                    11.80 + (i // 10) * 0.03,
                )
                for i in range(cameras)
            ],
        )
        session.flush()
        for camera in session.query(Camera):
            camera.last_heartbeat_at = camera.updated_at = now
    store.dispose()


def environment(url: str, mqtt_port: int, prefix: str, refresh: float) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    env.update(
        {
            "IOC_DATABASE__URL": url,
            "IOC_MQTT__PORT": str(mqtt_port),
            "IOC_MQTT__PROTOCOL": "5",
            "IOC_MQTT__TOPIC_PREFIX": prefix,
            "IOC_MQTT__CLIENT_ID": f"live-{uuid.uuid4().hex[:6]}",
            "IOC_INGEST__MAX_LATENCY_S": "0.05",
            "IOC_WEB__REFRESH_S": str(refresh),
            "IOC_CAMERAS__OFFLINE_AFTER_S": "86400",
            "IOC_AGGREGATES__IN_WEB": "true",
            "IOC_LOG_LEVEL": "WARNING",
        }
    )
    return env


def start_roles(env: dict[str, str], web_port: int, web_workers: int) -> list[Any]:
    ingest = subprocess.Popen([sys.executable, "-m", "ioc.cli", "ingest"], cwd=ROOT, env=env)
    gunicorn = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(web_workers),
            "--threads",
            "4",
            "-b",
            f"127.0.0.1:{web_port}",
            "--log-level",
            "warning",
            "ioc.web.wsgi:build_server()",
        ],
        cwd=ROOT,
        env=env,
    )
    return [ingest, gunicorn]


def publish(port: int, prefix: str, camera_id: str) -> None:
    seen = CameraDetection("smoke", 0.9, (0.4, 0.3, 0.1, 0.1))
    body = detection_payload(seen, datetime.now(UTC), None)
    publish_once(port, f"{prefix}/camera/{camera_id}/detection", body)


def in_alarm_js(camera_id: str) -> str:
    return (
        f"() => {{ const d = ({FIGURE_JS})(); const a = d && d.find(t => t.meta === "
        f"'alarm'); return !!a && a.ids.includes('{camera_id}'); }}"
    )


def time_events(page: Any, args: argparse.Namespace, port: int, prefix: str) -> list[float]:
    latencies = []
    for i in range(args.events):
        camera_id = f"LIVE-{i:03d}"
        started = time.monotonic()
        publish(port, prefix, camera_id)
        page.wait_for_function(in_alarm_js(camera_id), timeout=30_000, polling=50)
        latencies.append(time.monotonic() - started)
        print(f"  event {i + 1:>3}/{args.events}: {latencies[-1]:.2f} s", file=sys.stderr)
        time.sleep(args.gap)
    return latencies


def main() -> int:
    from playwright.sync_api import sync_playwright

    args = parse_args()
    print(f"live bench: {args.events} detections → Chromium", file=sys.stderr)
    prepare(args.database_url, args.events)
    prefix, web_port = f"live-{uuid.uuid4().hex[:6]}/v1", free_port()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        broker = MosquittoProcess(Path(tmp))
        broker.start()
        env = environment(args.database_url, broker.port, prefix, args.refresh)
        processes = start_roles(env, web_port, args.web_workers)
        try:
            url = f"http://127.0.0.1:{web_port}/"
            assert wait_for(lambda: _up(url), timeout=60), "dashboard did not start"
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1920, "height": 1080})
            store = open_store(args.database_url)
            context.add_cookies(browser_cookies(url, sign_in(store, Role.ADMIN)))
            store.dispose()
            page = context.new_page()
            page.goto(url)
            page.wait_for_function(f"() => ({FIGURE_JS})() !== null", timeout=30_000)
            time.sleep(2)  # the worker subscribes
            latencies = sorted(time_events(page, args, broker.port, prefix))
            browser.close()
        finally:
            for process in processes:
                process.terminate()
                process.wait(20)
            broker.stop()
    result = {
        "bench": "live",
        "events": len(latencies),
        "web_workers": args.web_workers,
        "refresh_s": args.refresh,
        "event_to_screen_p50_s": round(percentile(latencies, 0.5), 3),
        "event_to_screen_p95_s": round(percentile(latencies, 0.95), 3),
        "event_to_screen_max_s": round(latencies[-1], 3),
    }
    print(json.dumps(result))
    return 0


def _up(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url + "healthz", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
