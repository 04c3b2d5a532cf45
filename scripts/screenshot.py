"""Take the 1920×1080 screenshot of the overview page shown in the docs.

Usage: ``python scripts/screenshot.py [docs/img/overview.png]``. Builds a throw-away store
with the default geography and the demo cameras (a few online, one offline, two in alarm),
serves the dashboard on a free port and photographs it with Debian's Chromium.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ioc.config import Settings  # noqa: E402
from ioc.geography.defaults import seed_default_units  # noqa: E402
from ioc.store import Store, open_store  # noqa: E402
from ioc.store.cameras import read_camera_csv, upsert_cameras  # noqa: E402
from ioc.store.migrate import upgrade  # noqa: E402
from ioc.store.models import Camera  # noqa: E402
from ioc.store.units import unit_at  # noqa: E402
from ioc.timeutil import to_local, utcnow  # noqa: E402
from ioc.web.app import create_app  # noqa: E402

CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]
OFFLINE = {"LD-DL-05"}
ALARM = {"LD-DL-03": 40, "LD-BL-02": 170}  # camera id → seconds since detection


def demo_store(folder: Path) -> Store:
    """A store with the default units and the demo cameras in a mix of states."""
    store = open_store(f"sqlite:///{folder / 'ioc.db'}")
    upgrade(store)
    seed_default_units(store)
    now = utcnow()
    specs = read_camera_csv(ROOT / "data" / "cameras_demo.csv")
    with store.session() as session:
        upsert_cameras(session, specs)
    for spec in specs:
        unit = unit_at(store, spec.lon, spec.lat, to_local(now).date())
        with store.session() as session:
            camera = session.get(Camera, spec.id)
            assert camera is not None
            camera.unit_code = unit.code if unit else None
            if spec.id not in OFFLINE:
                camera.last_heartbeat_at = now - timedelta(seconds=5)
            if spec.id in ALARM:
                camera.last_detection_at = now - timedelta(seconds=ALARM[spec.id])
            camera.updated_at = now
    return store


def main(argv: list[str]) -> int:
    target = Path(argv[1]) if len(argv) > 1 else ROOT / "docs" / "img" / "overview.png"
    with tempfile.TemporaryDirectory() as tmp:
        store = demo_store(Path(tmp))
        server = make_server("127.0.0.1", 0, create_app(Settings(), store).server, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": 1920, "height": 1080})
                page.goto(f"http://127.0.0.1:{server.server_port}/")
                page.wait_for_selector("#overview-camera-status li", state="attached")
                page.wait_for_timeout(2500)  # let the map finish drawing
                target.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(target))
                browser.close()
        finally:
            server.shutdown()
            store.dispose()
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
