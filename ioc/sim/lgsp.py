"""A fake LGSP source: simulated one-stop dossiers served as JSON pages over real HTTP.

Provinces expose the one-stop system's dossiers behind the LGSP gateway; this server
imitates one such endpoint so ``python app.py`` can show ``ioc connectors run`` at work, and
the connector's tests have a real server to break. ``GET <path>?tu_ngay=<cursor>&page=N
&size=M`` with ``Authorization: Bearer <token>`` answers
``{"success": true, "data": {"items": [...], "page": N, "size": M, "total": T}}`` with the
records whose ``NgayCapNhat`` (last change) is at or after ``tu_ngay``, oldest change first.

Tests inject faults: each entry of :attr:`FakeLgspServer.faults` is used by one request,
an HTTP status to answer with or a number of seconds to sleep before answering.
"""

from __future__ import annotations

import json
import logging
import random
import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml

from ioc.config import Settings
from ioc.kpi.dossiers import DossierIn
from ioc.runtime import Task
from ioc.sim.dossier_history import dossier_events
from ioc.store import Store
from ioc.store.units import units_valid_at

log = logging.getLogger(__name__)

PATH = "/lgsp/motcua/v1/hoso"
CHANNEL_CODES = {"online": 1, "in_person": 2, "postal": 3}
Fault = int | float  # an int: answer with that HTTP status; a float: sleep that many seconds


def lgsp_record(dossier: DossierIn) -> dict[str, Any]:
    """One dossier state the way a one-stop system's LGSP service might spell it."""

    def iso(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment is not None else None

    return {
        "MaHoSo": f"LGSP-{dossier.dossier_id}",
        "MaTTHC": dossier.procedure_code,
        "TenTTHC": dossier.procedure_name,
        "MucDo": dossier.procedure_level,
        "MaDonVi": dossier.unit_code,
        "KenhNop": CHANNEL_CODES[dossier.channel],
        "NgayTiepNhan": iso(dossier.received_at),
        "NgayHenTra": iso(dossier.due_at),
        "NgayKetThuc": iso(dossier.finished_at),
        "CoPhi": dossier.fee_required,
        "ThanhToanTrucTuyen": dossier.paid_online,
        "SoHoa": dossier.digitised,
        "KetQuaSoHoa": dossier.result_digitised,
        "KetQuaDienTu": dossier.e_result,
        "DanhGia": dossier.rating,
        "NgayCapNhat": iso(dossier.event_at),
    }


def demo_records(units: Sequence[str], today: date, seed: int = 68) -> list[dict[str, Any]]:
    """The last working day's receipt and finish events of a sample of units (those that
    already happened), and one record naming a unit that does not exist, so the demo has a
    dead letter."""
    rng = random.Random(seed)
    sample = rng.sample(list(units), min(12, len(units)))
    now = datetime.now(UTC)
    day = today - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    events = list(dossier_events(sample, day, 4, rng))
    records = [lgsp_record(e) for e in events if e.event_at <= now]
    if records:
        bad = {**records[0], "MaHoSo": "LGSP-KHONG-HOP-LE-1", "MaDonVi": "99999"}
        records.append(bad)
    return records


def _changed_at(record: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(record["NgayCapNhat"]))


@dataclass
class FakeLgspServer:
    """The fake source on a real socket (port 0: any free port)."""

    records: list[dict[str, Any]]
    token: str
    host: str = "127.0.0.1"
    port: int = 0
    faults: list[Fault] = field(default_factory=list)
    seen: list[dict[str, str]] = field(default_factory=list)  # each request's path and auth
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start() first"
        return f"http://{self.host}:{self._server.server_address[1]}{PATH}"

    def start(self) -> FakeLgspServer:
        self._server = ThreadingHTTPServer((self.host, self.port), _handler_for(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="fake-lgsp", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def page(self, query: dict[str, list[str]]) -> dict[str, Any]:
        since = query.get("tu_ngay", [""])[0]
        page = int(query.get("page", ["1"])[0])
        size = int(query.get("size", ["50"])[0])
        rows = sorted(self.records, key=_changed_at)
        if since:
            start = datetime.fromisoformat(since)
            rows = [r for r in rows if _changed_at(r) >= start]
        items = rows[(page - 1) * size : page * size]
        return {
            "success": True,
            "data": {"items": items, "page": page, "size": size, "total": len(rows)},
        }


def _handler_for(fake: FakeLgspServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            fake.seen.append({"path": self.path, "auth": self.headers.get("Authorization", "")})
            fault = fake.faults.pop(0) if fake.faults else None
            if isinstance(fault, float):
                time.sleep(fault)
            if isinstance(fault, int):
                return self._send(fault, {"success": False, "message": "lỗi giả lập"})
            if parts.path != PATH:
                return self._send(404, {"success": False, "message": "not found"})
            if self.headers.get("Authorization") != f"Bearer {fake.token}":
                return self._send(401, {"success": False, "message": "token không hợp lệ"})
            return self._send(200, fake.page(parse_qs(parts.query)))

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        def log_message(self, fmt: str, *args: Any) -> None:
            log.debug("fake LGSP: " + fmt, *args)

    return Handler


def demo_sources(url: str, token_file: Path) -> dict[str, Any]:
    """The sources file content that maps the fake source onto dossier events."""
    return {
        "sources": [
            {
                "name": "lgsp-motcua-demo",
                "url": url,
                "target": "dossier_event",
                "auth": {"kind": "bearer", "secret_file": token_file.name},
                "records": "data.items",
                "paging": {
                    "kind": "page",
                    "page_param": "page",
                    "size_param": "size",
                    "size": 50,
                },
                "id_field": "MaHoSo",
                "cursor": {"field": "NgayCapNhat", "param": "tu_ngay"},
                "fields": {
                    "dossier_id": "MaHoSo",
                    "procedure_code": "MaTTHC",
                    "procedure_name": "TenTTHC",
                    "procedure_level": "MucDo",
                    "unit_code": "MaDonVi",
                    "channel": {
                        "path": "KenhNop",
                        "values": {"1": "online", "2": "in_person", "3": "postal"},
                    },
                    "received_at": "NgayTiepNhan",
                    "due_at": "NgayHenTra",
                    "finished_at": "NgayKetThuc",
                    "fee_required": "CoPhi",
                    "paid_online": "ThanhToanTrucTuyen",
                    "digitised": "SoHoa",
                    "result_digitised": "KetQuaSoHoa",
                    "e_result": "KetQuaDienTu",
                    "rating": "DanhGia",
                    "event_at": "NgayCapNhat",
                },
            }
        ]
    }


def write_demo_sources(directory: Path, url: str, token: str) -> Path:
    """The demo's sources file and its token file (owner-only) under ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    token_file = directory / "lgsp-demo.token"
    token_file.write_text(token + "\n", encoding="utf-8")
    token_file.chmod(0o600)
    path = directory / "lgsp-demo-sources.yaml"
    content = yaml.safe_dump(demo_sources(url, token_file), allow_unicode=True, sort_keys=False)
    path.write_text(content, encoding="utf-8")
    return path


def start_demo_source(
    settings: Settings, store: Store, today: date | None = None
) -> FakeLgspServer:
    """Serve the demo records on a free local port and point ``connectors.sources_file`` at
    a sources file for it (under ``var_dir``), unless a sources file is configured."""
    day = today or date.today()
    with store.session() as session:
        units = [u.code for u in units_valid_at(session, day, "commune")]
    server = FakeLgspServer(demo_records(units, day), secrets.token_urlsafe(24)).start()
    directory = settings.var_dir / "connectors"
    path = write_demo_sources(directory, server.url, server.token)
    settings.connectors.sources_file = str(path)
    log.info(
        "fake LGSP source: %s (%d records), sources file %s", server.url, len(server.records), path
    )
    return server


def demo_source_task(settings: Settings, store: Store) -> Task:
    """The fake source as an orchestrator task: it serves until the stop event."""
    server = start_demo_source(settings, store)

    def run(stop: threading.Event) -> None:
        stop.wait()
        server.stop()

    return run
