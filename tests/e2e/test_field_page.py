"""The field page in a real Chromium at phone size: render, no console errors, acknowledge."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ioc.auth.user_roles import Role
from ioc.config import Settings
from ioc.reports.exif import gps_lonlat
from ioc.store import Store, open_store
from ioc.store.migrate import upgrade
from ioc.store.models import Incident
from ioc.store.models_incidents import IncidentEvent
from ioc.timeutil import utcnow
from ioc.web.app import create_app
from tests.e2e.conftest import LiveServer
from tests.incidents_support import add_incident
from tests.reports_support import HO_XUAN_HUONG, jpeg_with_gps

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c"
    "1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0"
    "000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc4"
    "00b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1"
    "c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a"
    "636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5"
    "b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda00"
    "08010100003f00fbd3ffd9"
)


def seed(store: Store, var_dir: Path) -> int:
    (var_dir / "snapshots" / "CAM-A").mkdir(parents=True)
    (var_dir / "snapshots" / "CAM-A" / "a.jpg").write_bytes(JPEG)
    now = utcnow()
    return add_incident(
        store,
        now - timedelta(minutes=2),
        title="Phát hiện khói: Đồi A",
        unit_code="U1",
        updated_at=now,
        member_count=3,
        snapshot="snapshots/CAM-A/a.jpg",
    )


def test_field_page_on_a_phone_acknowledges_an_incident(
    tmp_path: Path, browser: Any, serve: Callable[[Any], LiveServer]
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    incident_id = seed(store, tmp_path)
    settings = Settings.model_validate({"var_dir": str(tmp_path), "web": {"refresh_s": 1}})
    live = serve(create_app(settings, store).server)
    context = browser.new_context(viewport=PHONE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    signed = live.sign_in(context, Role.FIELD, "U1")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        page.goto(f"{live.url}/field?unit=U1")
        card = page.locator(f"#field-card-{incident_id}")
        card.wait_for(timeout=15000)
        assert "Phát hiện khói" in card.inner_text()
        assert card.locator("img.field-snapshot").evaluate("img => img.naturalWidth") > 0
        assert card.locator("a[href^='geo:11.9']").count() == 1
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], "the page must not scroll sideways on a phone"
        assert signed.username in page.locator("#field-actor").inner_text()  # no name box
        card.locator("textarea").fill("Đang đến hiện trường")
        card.get_by_role("button", name="Tiếp nhận").click()
        page.locator("#field-status").filter(has_text="Đã ghi nhận").wait_for(timeout=10000)
        page.get_by_text("Đã tiếp nhận").wait_for(timeout=10000)
    finally:
        context.close()
    with store.session() as session:
        event = session.scalars(
            select(IncidentEvent).where(IncidentEvent.action == "acknowledge")
        ).one()
        assert (event.actor, event.note) == (signed.username, "Đang đến hiện trường")
        assert event.client.startswith("web 127.0.0.1")
        assert session.get(Incident, incident_id).status == "acknowledged"  # type: ignore[union-attr]
    assert errors == []
    store.dispose()


def test_field_page_empty_state(
    tmp_path: Path, browser: Any, serve: Callable[[Any], LiveServer]
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    live = serve(create_app(Settings(var_dir=tmp_path), store).server)
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    live.sign_in(context)
    page = context.new_page()
    try:
        page.goto(f"{live.url}/field?unit=U9")
        page.get_by_text("Hiện không có sự cố nào cần xử lý").wait_for(timeout=15000)
    finally:
        context.close()
    store.dispose()


def test_field_photo_from_a_phone_loses_its_exif(
    tmp_path: Path, browser: Any, serve: Callable[[Any], LiveServer]
) -> None:
    """A photo chosen on the field page was stored byte for byte, GPS position and all."""
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    incident_id = seed(store, tmp_path)
    settings = Settings.model_validate({"var_dir": str(tmp_path), "web": {"refresh_s": 1}})
    live = serve(create_app(settings, store).server)
    context = browser.new_context(viewport=PHONE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    live.sign_in(context, Role.FIELD, "U1")
    page = context.new_page()
    photo = {"name": "hien-truong.jpg", "mimeType": "image/jpeg"}
    try:
        page.goto(f"{live.url}/field?unit=U1")
        card = page.locator(f"#field-card-{incident_id}")
        card.wait_for(timeout=15000)
        fake = b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>"
        card.locator("input[type=file]").set_input_files(files=[{**photo, "buffer": fake}])
        card.get_by_role("button", name="Tiếp nhận").click()
        page.locator("#field-status").filter(has_text="ảnh phải là JPEG").wait_for(timeout=10000)
        gps = jpeg_with_gps(*HO_XUAN_HUONG)
        card.locator("input[type=file]").set_input_files(files=[{**photo, "buffer": gps}])
        card.get_by_role("button", name="Tiếp nhận").click()
        page.locator("#field-status").filter(has_text="Đã ghi nhận").wait_for(timeout=10000)
    finally:
        context.close()
    with store.session() as session:
        event = session.scalars(
            select(IncidentEvent).where(IncidentEvent.action == "acknowledge")
        ).one()
    assert event.photo is not None
    stored = list((tmp_path / "snapshots" / "field" / str(incident_id)).iterdir())
    assert [p.relative_to(tmp_path).as_posix() for p in stored] == [event.photo]
    data = stored[0].read_bytes()
    assert data.startswith(b"\xff\xd8") and b"Exif" not in data and gps_lonlat(data) is None
    assert gps_lonlat(gps) is not None  # the upload did carry a position
    store.dispose()
