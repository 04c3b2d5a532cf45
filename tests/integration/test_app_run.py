"""``python app.py`` starts everything on embedded defaults and stops cleanly on Ctrl-C."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

from sqlalchemy import func, select

from ioc.auth.demo import DEMO_PASSWORD
from ioc.store import open_store
from ioc.store.models import AdminUnit, Camera, CitizenReport, Dossier, SensorReading
from ioc.store.models_aggregates import DashboardAggregate
from ioc.store.models_connectors import ConnectorDeadLetter
from testkit.helpers import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def demo_admin_sees_the_overview(base: str) -> bool:
    """Sign in through the real form as the demo admin, then open the overview."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/login", timeout=10) as response:
        token = re.search(r'name="csrf_token" value="([^"]+)"', response.read().decode())
    assert token is not None
    form = {"csrf_token": token[1], "next": "/", "username": "admin", "password": DEMO_PASSWORD}
    with opener.open(f"{base}/login", urllib.parse.urlencode(form).encode(), timeout=30) as done:
        return done.url == f"{base}/" and b"_dash-config" in done.read()


def test_app_runs_the_whole_ioc_and_stops_on_sigint(tmp_path: Path) -> None:
    web, mqtt = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    env.update(
        {
            "IOC_VAR_DIR": str(tmp_path),
            "IOC_WEB__PORT": str(web),
            "IOC_BROKER__PORT": str(mqtt),
            "IOC_MQTT__PORT": str(mqtt),
            "IOC_SIMULATOR__HEARTBEAT_INTERVAL_S": "1",
            "IOC_SIMULATOR__READING_INTERVAL_S": "1",
            "IOC_CAMERA_WORKER__HEARTBEAT_INTERVAL_S": "1",
            "IOC_SIMULATOR__REPORT_INTERVAL_S": "1",
            "IOC_SIMULATOR__DOSSIER_INTERVAL_S": "0.5",
        }
    )
    process = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        # the first start renders the demo clips and hashes the demo accounts: slow on a busy box
        assert wait_for(lambda: http_ok(f"http://127.0.0.1:{web}/healthz"), timeout=150)
        assert http_ok(f"http://127.0.0.1:{web}/")  # the sign-in page
        assert demo_admin_sees_the_overview(f"http://127.0.0.1:{web}")
        store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")

        def flowing() -> bool:
            with store.session() as session:
                beating = session.scalar(
                    select(func.count()).where(Camera.last_heartbeat_at.is_not(None))
                )
                readings = session.scalar(select(func.count()).select_from(SensorReading))
                reports = session.scalar(select(func.count()).select_from(CitizenReport))
                analysed = session.get(Camera, "LD-DL-07")  # the real camera chain's
                video_alive = analysed is not None and analysed.last_heartbeat_at is not None
                pulled = session.scalar(  # by the connectors role, from the fake LGSP source
                    select(func.count()).where(Dossier.dossier_id.like("LGSP-%"))
                )
                set_aside = session.scalar(select(func.count()).select_from(ConnectorDeadLetter))
            alive = bool(beating) and bool(readings) and bool(reports) and video_alive
            return alive and bool(pulled) and set_aside == 1

        assert wait_for(flowing, timeout=30)
        with store.session() as session:
            assert session.scalar(select(func.count()).select_from(AdminUnit)) == 276
            refreshed = session.scalar(select(func.count()).select_from(DashboardAggregate))
            assert refreshed, "the aggregates role has written no shared aggregate"
        store.dispose()
    finally:
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=30)[0].decode(errors="replace")
    assert process.returncode == 0, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    assert "demo accounts created" in output and f"127.0.0.1:{web}/kiosk/" in output
