"""Principals of the scope tests and a request context that carries one (what the sign-in
gate leaves on ``flask.g``), so page callbacks can be called as plain functions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import shapely
from flask import Flask
from sqlalchemy.orm import Session

from ioc.auth.current import set_principal
from ioc.auth.principal import Principal
from ioc.auth.scope import compute_scope
from ioc.auth.user_roles import Role
from ioc.geography.defaults import seed_default_units
from ioc.reports.categories import seed_categories
from ioc.store import Store
from ioc.store.cameras import CameraSpec, upsert_cameras
from ioc.store.models import AdminUnit, CitizenReport, SensorReading
from tests.incidents_support import add_incident

ADMIN = Principal("admin", Role.ADMIN, user_id=1)
LEADER = Principal("lanh.dao", Role.LEADER, user_id=2)


def unit_principal(store: Store, name: str, role: Role, unit_code: str) -> Principal:
    """A unit-bound principal with its real scope over the store's units."""
    with store.session() as session:
        units = session.query(AdminUnit).all()
    return Principal(name, role, unit_code=unit_code, units=compute_scope(units, unit_code))


@contextmanager
def acting_as(server: Flask, principal: Principal | None, **request: Any) -> Iterator[None]:
    """A request context of ``server`` in which ``principal`` is signed in."""
    with server.test_request_context(**request):
        set_principal(principal)
        yield


# Two cities of the default geography: Đà Lạt (672, gone since 1 July 2025, replaced by
# wards such as Xuân Hương 24781) and Bảo Lộc (673; Phường 1 Bảo Lộc 24823).
DA_LAT, XUAN_HUONG = "672", "24781"
BAO_LOC, PHUONG_1_BAO_LOC = "673", "24823"
NOW = datetime(2026, 3, 10, 6, 0, tzinfo=UTC)  # 13:00 in Lâm Đồng
STREAM_SECRET = "camuser:S3cr3t-pass"
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64


@dataclass(frozen=True)
class TwoCities:
    """Ids of what :func:`seed_two_cities` stored, by city."""

    incident_dl: int
    incident_bl: int
    incident_bl_assigned: int
    report_dl: int
    report_bl: int
    files: dict[str, str]  # what -> path under snapshots/


def _report(session: Session, unit: str, lon: float, lat: float, text: str) -> int:
    row = CitizenReport(
        service_code="moi_truong",
        description=text,
        status="received",
        lon=lon,
        lat=lat,
        geom=shapely.Point(lon, lat),
        unit_code=unit,
        created_at=NOW - timedelta(hours=2),
        updated_at=NOW - timedelta(hours=2),
        address=text,
        source="open311",
        onsite_due_at=NOW + timedelta(hours=1),
        result_due_at=NOW + timedelta(hours=4),
    )
    session.add(row)
    session.flush()
    return int(row.id)


def seed_two_cities(store: Store, var_dir: Path) -> TwoCities:
    """Default units and categories; per city a camera (with a secret in its stream URL),
    a rain gauge, an open incident and a report; a Bảo Lộc incident assigned to
    ``field.672``; snapshot files of both cameras and a field photo of each incident."""
    seed_default_units(store)
    with store.session() as session:
        seed_categories(session)
        upsert_cameras(
            session,
            [
                CameraSpec(
                    "CAM-DL",
                    "Hồ Xuân Hương",
                    108.44,
                    11.94,
                    XUAN_HUONG,
                    stream_url=f"rtsp://{STREAM_SECRET}@10.1.1.5:554/dl",
                ),
                CameraSpec(
                    "CAM-BL",
                    "Đồi chè Bảo Lộc",
                    107.81,
                    11.55,
                    PHUONG_1_BAO_LOC,
                    stream_url=f"rtsp://{STREAM_SECRET}@10.1.2.5:554/bl",
                ),
            ],
        )
        for station, lon, lat in (("QT-DL", 108.441, 11.941), ("QT-BL", 107.811, 11.551)):
            session.add(
                SensorReading(
                    msg_id=f"{station}-1",
                    station_id=station,
                    quantity="rain_mm",
                    value=3.0,
                    unit="mm",
                    lon=lon,
                    lat=lat,
                    observed_at=NOW - timedelta(minutes=5),
                )
            )
        report_dl = _report(session, XUAN_HUONG, 108.44, 11.94, "Rác ở Đà Lạt")
        report_bl = _report(session, PHUONG_1_BAO_LOC, 107.81, 11.55, "Rác ở Bảo Lộc")
    opened = NOW - timedelta(minutes=10)
    files = {
        "cam_dl": "CAM-DL/20260310T055000000Z-smoke-aaaaaa.jpg",
        "cam_bl": "CAM-BL/20260310T055000000Z-smoke-bbbbbb.jpg",
        "unowned": "elsewhere/x.jpg",
    }
    dl = add_incident(
        store,
        opened,
        title="Khói Đà Lạt",
        unit_code=XUAN_HUONG,
        lon=108.44,
        lat=11.94,
        camera_id="CAM-DL",
        snapshot=f"snapshots/{files['cam_dl']}",
    )
    bl = add_incident(
        store,
        opened,
        title="Khói Bảo Lộc",
        unit_code=PHUONG_1_BAO_LOC,
        lon=107.81,
        lat=11.55,
        camera_id="CAM-BL",
        snapshot=f"snapshots/{files['cam_bl']}",
    )
    assigned = add_incident(
        store,
        opened,
        title="Cháy Bảo Lộc (giao)",
        unit_code=PHUONG_1_BAO_LOC,
        lon=107.82,
        lat=11.56,
        status="dispatched",
        assignee="field.672",
    )
    files["field_dl"] = f"field/{dl}/a.jpg"
    files["field_bl"] = f"field/{bl}/b.jpg"
    files["field_assigned"] = f"field/{assigned}/c.jpg"
    for relative in files.values():
        path = var_dir / "snapshots" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(JPEG)
    return TwoCities(dl, bl, assigned, report_dl, report_bl, files)


def callback_specs(app: Any) -> list[dict[str, Any]]:
    """The server-side callbacks of a Dash app (clientside ones never reach the server)."""
    return [s for s in app._callback_list if not s.get("clientside_function")]


def output_key(app: Any, output: str) -> str:
    """The key of the callback whose outputs include ``output`` (``"unit-map.figure"``)."""
    for spec in callback_specs(app):
        key = spec["output"]
        if output in (key[2:-2].split("...") if key.startswith("..") else [key]):
            return str(key)
    raise KeyError(output)


def pattern_prop(ident: dict[str, Any], prop: str) -> str:
    """How the renderer names a changed property of a pattern-matched component."""
    return json.dumps(ident, sort_keys=True, separators=(",", ":")) + "." + prop
