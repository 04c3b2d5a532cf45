"""Take the screenshots of the control-room pages shown in the docs (wall and phone size).

Usage: ``python scripts/screenshot.py [--out docs/img] [--pages overview,unit,wall,...]``
(or ``make screenshot``). Builds a throw-away store with the default geography, the demo
cameras (a few online, one offline, two in alarm) and some realistic activity: four months
of dossiers, detections with snapshot pictures, open incidents, citizen reports, sensor
stations and ingest workers. It serves the dashboard on a free port and photographs each
page, signed in (an administrator; field staff of Phường Xuân Hương on ``/field``), with
Debian's Chromium at 1920×1080 (``<page>.png``) and 390×844 (``<page>-phone.png``), and the
wall also at 3840×2160 (``wall-4k.png``). The PNGs are committed: each is written with the
strongest zlib level and, when still large, with its colours reduced.
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import tempfile
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import shapely
from playwright.sync_api import sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ioc.auth.user_roles import Role  # noqa: E402
from ioc.config import Settings  # noqa: E402
from ioc.digital.importer import seed_sample  # noqa: E402
from ioc.geography.defaults import seed_default_units  # noqa: E402
from ioc.reports.categories import read_categories, seed_categories  # noqa: E402
from ioc.sim.dossier_history import backfill  # noqa: E402
from ioc.sim.violations import seed_demo_violations  # noqa: E402
from ioc.store import Store, open_store  # noqa: E402
from ioc.store.cameras import read_camera_csv, upsert_cameras  # noqa: E402
from ioc.store.migrate import upgrade  # noqa: E402
from ioc.store.models import (  # noqa: E402
    Camera,
    CitizenReport,
    DeadLetter,
    Detection,
    Incident,
    SensorReading,
    WorkerStat,
)
from ioc.store.units import unit_at, units_valid_at  # noqa: E402
from ioc.timeutil import to_local, utcnow  # noqa: E402
from ioc.web.app import create_app  # noqa: E402
from testkit.auth_support import add_account, browser_cookies, open_user_session  # noqa: E402

CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]
OFFLINE = {"LD-DL-05"}
ALARM = {"LD-DL-03": 40, "LD-BL-02": 170}  # camera id → seconds since detection
UNIT = "24781"  # Phường Xuân Hương - Đà Lạt
INCIDENTS = (  # title, kind, severity, status, lon, lat, minutes ago
    ("Khói trên sườn đèo Prenn", "smoke", "high", "new", 108.468, 11.872, 3),
    ("Cháy thực bì rừng thông Bảo Lộc", "fire", "critical", "acknowledged", 107.80, 11.55, 25),
    ("Ngập úng đường Hồ Tùng Mậu", "flood", "medium", "dispatched", 108.437, 11.943, 70),
    ("Sạt lở taluy đèo Mimosa", "landslide", "high", "acknowledged", 108.452, 11.905, 140),
    ("Mực nước hồ Đại Ninh vượt ngưỡng", "water_level", "low", "new", 108.36, 11.62, 300),
)
ACCOUNTS = {  # role → (user name shown in the header, unit)
    Role.ADMIN: ("quantri.tinh", None),
    Role.FIELD: ("canbo.xuanhuong", UNIT),
}
# name → (path, what shows once the data is in, who is signed in)
PAGES: dict[str, tuple[str, str, Role]] = {
    "overview": ("/", "#overview-camera-status li", Role.ADMIN),
    "unit": (f"/unit/{UNIT}", "#unit-cameras .unit-camera", Role.ADMIN),
    "wall": ("/wall?rotate=600", "#wall-map .js-plotly-plot", Role.ADMIN),
    "leader": ("/leader", "#leader-table tbody tr", Role.ADMIN),
    "kpi": ("/kpi", "#kpi-ranking tbody tr", Role.ADMIN),
    "reports": ("/reports", ".reports-table tbody tr", Role.ADMIN),
    "field": ("/field", ".field-card", Role.FIELD),
    "system": ("/system", "#system-worker-table tbody tr", Role.ADMIN),
    "digital": ("/chuyen-doi-so", ".cds-card .cds-number", Role.ADMIN),
    "iocs": ("/ioc", ".iocnet-row", Role.ADMIN),
    "changes": ("/thay-doi", "#changes-queue [data-candidate-id]", Role.ADMIN),
    "cases": ("/vu-viec", "[id^=cases-row-]", Role.ADMIN),
    "ioc": ("/ioc/IOC-672", "#iocpage-map .js-plotly-plot", Role.ADMIN),
}
SIZES = {"": (1920, 1080), "-phone": (390, 844)}  # file name suffix → viewport
LARGER = {
    "wall": {"-4k": (3840, 2160)},
    "digital": {"-4k": (3840, 2160)},
}  # pages also shot at these sizes
PNG_BUDGET = 600_000  # bytes; a larger picture is written again with fewer colours


def snapshot_picture(path: Path, seed: int) -> None:
    """A hillside-like 640×360 picture (sky, pine ridges) standing in for a camera frame."""
    rng = np.random.default_rng(seed)
    height, width = 360, 640
    sky = np.linspace(200, 120, height)[:, None, None] * np.array([1.0, 0.9, 0.7])
    image = np.broadcast_to(sky, (height, width, 3)).copy()
    for layer, shade in ((0.45, 70), (0.6, 50), (0.78, 32)):
        ridge = height * layer + 25 * np.sin(np.arange(width) / (40 + 20 * layer) + seed)
        mask = np.arange(height)[:, None] > ridge[None, :]
        image[mask] = (shade * 0.6, shade * 1.1, shade * 0.7)
    image += rng.normal(0, 6, image.shape)
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), np.clip(image, 0, 255).astype(np.uint8))


def demo_store(folder: Path) -> Store:
    """A store with the default units and the demo cameras in a mix of states."""
    store = open_store(f"sqlite:///{folder / 'ioc.db'}")
    upgrade(store)
    seed_default_units(store)
    seed_sample(store)  # the digital board's sourced figures
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


def keep_alive(store: Store) -> None:
    """The online cameras and the workers report in again, as they would while running: a
    camera is shown offline 90 s after its last heartbeat, a worker stale after 60 s, and
    taking every picture takes minutes."""
    with store.session() as session:
        for camera in session.scalars(select(Camera).where(Camera.id.not_in(OFFLINE))):
            camera.last_heartbeat_at = utcnow() - timedelta(seconds=5)
        for n, worker in enumerate(session.scalars(select(WorkerStat))):
            worker.updated_at = utcnow() - timedelta(seconds=3 + n)


def add_activity(store: Store, var_dir: Path) -> None:
    """Dossiers, detections with pictures, incidents, reports and sensor readings."""
    now, rng = utcnow(), random.Random(7)
    today = to_local(now).date()
    with store.session() as session:
        wards = [
            (u.code, u.center_lon, u.center_lat)
            for u in units_valid_at(session, today)
            if u.level == "commune"
        ]
        cameras = session.query(Camera).order_by(Camera.id).all()
        for n, camera in enumerate(cameras[::2]):
            relative = f"snapshots/{camera.id}/demo-{n}.jpg"
            snapshot_picture(var_dir / relative, n)
            session.add(
                Detection(
                    msg_id=f"demo-{n}",
                    camera_id=camera.id,
                    kind="smoke",
                    score=0.8,
                    snapshot=relative,
                    observed_at=now - timedelta(minutes=5 + n),
                    received_at=now,
                )
            )
        for n, (title, kind, severity, status, lon, lat, ago) in enumerate(INCIDENTS):
            opened = now - timedelta(minutes=ago)
            unit = unit_at(store, lon, lat, today)
            picture = f"snapshots/incidents/demo-{n}.jpg" if n % 2 == 0 else None  # the
            if picture:  # incident's own file: its unit's field staff may open it
                snapshot_picture(var_dir / picture, 10 + n)
            session.add(
                Incident(
                    kind=kind,
                    severity=severity,
                    status=status,
                    title=title,
                    unit_code=unit.code if unit else None,
                    lon=lon,
                    lat=lat,
                    geom=shapely.Point(lon, lat),
                    opened_at=opened,
                    updated_at=opened,
                    member_count=1 + n % 3,
                    snapshot=picture,
                )
            )
        statuses = ("received", "assigned", "in_progress", *["resolved"] * 9)
        seed_categories(session)
        kinds = [c.code for c in read_categories() for _ in range(max(1, 10 - c.sort_order))]
        for n in range(400):
            code, lon, lat = rng.choice(wards[:40] if n % 3 else wards)
            created = now - timedelta(hours=rng.uniform(0.2, 24 * 25))
            x, y = lon + rng.gauss(0, 0.02), lat + rng.gauss(0, 0.02)
            status = rng.choice(statuses) if created < now - timedelta(hours=5) else "received"
            answered = created + timedelta(hours=rng.uniform(0.3, 2.6))
            done = created + timedelta(hours=rng.uniform(1.5, 7.5))
            session.add(
                CitizenReport(
                    service_code=rng.choice(kinds),
                    status=status,
                    lon=x,
                    lat=y,
                    geom=shapely.Point(x, y),
                    unit_code=code,
                    description="",
                    created_at=created,
                    updated_at=created,
                    onsite_due_at=created + timedelta(hours=2),
                    result_due_at=created + timedelta(hours=6),
                    first_response_at=answered if status != "received" else None,
                    resolved_at=done if status == "resolved" else None,
                    rating=rng.choice((3, 4, 4, 5, 5)) if status == "resolved" else None,
                )
            )
        for n, (code, lon, lat) in enumerate(wards[::10]):
            session.add(
                SensorReading(
                    msg_id=f"demo-s{n}",
                    station_id=f"QT-{code}",
                    quantity="rain_mm",
                    value=round(rng.uniform(0, 30), 1),
                    unit="mm",
                    lon=lon,
                    lat=lat,
                    observed_at=now - timedelta(minutes=n),
                )
            )
        add_workers(session, now)
    backfill(store, [w[0] for w in wards], today - timedelta(days=120), today, per_unit_day=1)


def add_workers(session: Any, now: datetime) -> None:
    """Two ingest workers, one camera worker and a few rejected messages (for /system)."""
    started = now - timedelta(hours=6)
    for n, role in enumerate(("ingest", "ingest")):
        counters = {
            "received": 18_240 + 911 * n,
            "stored": 18_190 + 905 * n,
            "duplicates": 12 + n,
            "readings": 4_310,
            "db_errors": 0,
            "lag_seconds": 0.4,
        }
        session.add(
            WorkerStat(
                worker_id=f"ioc-{role}-{n + 1}",
                role=role,
                started_at=started,
                updated_at=now - timedelta(seconds=3 + n),
                counters=counters,
            )
        )
    cameras = {f"camera.LD-DL-0{n}": 1.0 for n in range(1, 5)}
    session.add(
        WorkerStat(
            worker_id="ioc-cameras-1",
            role="cameras",
            started_at=started,
            updated_at=now - timedelta(seconds=4),
            counters={"analysed": 52_800, "shard_index": 0, "shard_count": 1, **cameras},
        )
    )
    for n, reason in enumerate(
        (
            "bad_json: Expecting value",
            "unknown_station: QT-99",
            "bad_json: Unterminated string",
            "too_old: observed 3 days ago",
        )
    ):
        session.add(
            DeadLetter(
                topic="ioc/lamdong/sensor/QT-99",
                reason=reason,
                payload=b"{",
                payload_size=1,
                received_at=now - timedelta(minutes=9 * n),
            )
        )


def shots(pages: list[str]) -> list[tuple[str, str, tuple[int, int]]]:
    """(page, file name, viewport) of every picture to take."""
    return [
        (name, f"{name}{suffix}.png", size)
        for name in pages
        for suffix, size in {**SIZES, **LARGER.get(name, {})}.items()
    ]


def write_png(picture: bytes, target: Path, budget: int = PNG_BUDGET) -> int:
    """Write ``picture`` (a PNG) compressed hard; past ``budget`` with 5 bits a channel
    (banding is invisible in these flat dark panels). Returns the size written."""
    image = cv2.imdecode(np.frombuffer(picture, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None, f"Chromium gave no picture for {target}"
    params = [cv2.IMWRITE_PNG_COMPRESSION, 9]
    ok, encoded = cv2.imencode(".png", image, params)
    if ok and len(encoded) > budget * (2.5 if "-4k" in target.name else 1):
        fewer = np.bitwise_or(np.bitwise_and(image, 0xF8), np.right_shift(image, 5))
        ok, encoded = cv2.imencode(".png", fewer, params)
    assert ok, f"could not encode {target}"
    target.write_bytes(encoded.tobytes())
    return len(encoded)


def shoot(
    base: str, out: Path, pages: list[str], cookies: dict[Role, list[Any]], store: Store
) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        for name, filename, (width, height) in shots(pages):
            path, ready, role = PAGES[name]
            keep_alive(store)
            context = browser.new_context(
                viewport={"width": width, "height": height},
                locale="vi-VN",
                timezone_id="Asia/Ho_Chi_Minh",
            )
            context.add_cookies(cookies[role])
            page = context.new_page()
            page.goto(base + path)
            page.wait_for_selector(ready, state="attached", timeout=60_000)
            page.wait_for_timeout(3000)  # let the maps finish drawing
            size = write_png(page.screenshot(), out / filename)
            context.close()
            print(f"wrote {out / filename} ({size // 1000} kB)")
        browser.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img", help="folder")
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated pages")
    args = parser.parse_args(argv[1:])
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    with tempfile.TemporaryDirectory() as tmp:
        store = demo_store(Path(tmp))
        add_activity(store, Path(tmp))
        seed_demo_violations(store, Path(tmp))  # the review queue and cases, made up
        settings = Settings(var_dir=Path(tmp))
        server = make_server("127.0.0.1", 0, create_app(settings, store).server, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            args.out.mkdir(parents=True, exist_ok=True)
            base = f"http://127.0.0.1:{server.server_port}"
            cookies = {
                role: browser_cookies(
                    base, open_user_session(store, add_account(store, role, unit, username))
                )
                for role, (username, unit) in ACCOUNTS.items()
            }
            shoot(base, args.out, args.pages.split(","), cookies, store)
        finally:
            server.shutdown()
            store.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
