"""A simulated province: Lâm Đồng's demo cameras and stations publishing over MQTT.

Heartbeats every few seconds (a share of cameras stays silent, so the map shows offline
ones); smoke and fire detections arrive as a Poisson process whose rate follows the fire
season (dry season December–April) and the afternoon peak; morning fog in the highlands
blurs some pictures. Environmental stations report every few seconds (see ioc.sim.sensors),
the one-stop system syncs dossier events (see ioc.sim.dossiers), and citizens send field
reports from the province's app (see ioc.sim.reports).
Everything goes through the broker and the ingest worker, exactly the
path real devices take; camera payloads are built by the camera worker's own
:func:`camera.events.detection_payload` and :func:`~camera.events.heartbeat_payload`.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from camera.events import detection_payload, heartbeat_payload
from camera.types import Detection
from ioc.config import MqttSettings, Settings, SimulatorSettings
from ioc.mqtt.payloads import CameraHealth
from ioc.mqtt.topics import topic_for
from ioc.mqtt.transport import make_client
from ioc.reports.intake import ReportIn
from ioc.runtime import Task
from ioc.sim.dossiers import SYSTEM, DossierFeed, dossier_payload
from ioc.sim.reports import simulated_reports
from ioc.sim.sensors import read_stations, sensor_payload
from ioc.store import Store
from ioc.store.cameras import CameraSpec, read_camera_csv
from ioc.store.units import units_valid_at
from ioc.timeutil import to_local, utcnow

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parents[2] / "data"
DEMO_CAMERAS = DATA / "cameras_demo.csv"
DEMO_STATIONS = DATA / "sensor_stations_demo.csv"
DRY_SEASON = {12, 1, 2, 3, 4}
REPORT_APP = "lamdong-app"


def fire_risk_factor(moment: datetime) -> float:
    """Relative detection rate at a moment: dry season and early afternoon are riskier."""
    local = to_local(moment)
    season = 2.0 if local.month in DRY_SEASON else 0.6
    hour = local.hour
    daytime = 1.8 if 11 <= hour <= 16 else (1.0 if 7 <= hour <= 19 else 0.4)
    return season * daytime


def picture_health(moment: datetime, rng: random.Random) -> CameraHealth:
    """Mostly "ok"; morning fog over Đà Lạt blurs a few cameras."""
    hour = to_local(moment).hour
    if 5 <= hour <= 8 and rng.random() < 0.15:
        return CameraHealth.BLURRED
    return CameraHealth.OK


def report_payload(report: ReportIn) -> dict[str, object]:
    """A v1 citizen-report message (simulated reports carry no contact data)."""
    created = report.created_at or utcnow()
    return {
        "v": 1,
        "msg_id": uuid.uuid4().hex,
        "ts": created.isoformat(),
        "service_code": report.service_code,
        "lon": report.lon,
        "lat": report.lat,
        "description": report.description,
        "address": report.address,
    }


def simulated_detection(rng: random.Random) -> Detection:
    """Mostly smoke, sometimes fire, somewhere in the upper picture."""
    kind = "smoke" if rng.random() < 0.8 else "fire"
    x, y = rng.uniform(0.05, 0.7), rng.uniform(0.1, 0.6)
    box = (round(x, 3), round(y, 3), round(rng.uniform(0.05, 0.25), 3), 0.12)
    return Detection(kind, round(rng.uniform(0.62, 0.97), 2), box)


@dataclass
class SimulatedCamera:
    spec: CameraSpec
    silent: bool
    next_heartbeat: float


class Simulator:
    """Publishes heartbeats and detections for a set of cameras until stopped."""

    def __init__(
        self,
        mqtt_settings: MqttSettings,
        settings: SimulatorSettings,
        cameras: Sequence[CameraSpec] | None = None,
        units: Sequence[str] = (),
    ) -> None:
        self.mqtt = mqtt_settings
        self.settings = settings
        self.rng = random.Random(settings.seed)
        specs = list(cameras) if cameras is not None else read_camera_csv(DEMO_CAMERAS)
        specs = [spec for spec in specs if not spec.stream_url]  # those the camera worker runs
        silent = set(self.rng.sample(range(len(specs)), round(len(specs) * settings.offline_share)))
        self.cameras = [
            SimulatedCamera(spec, i in silent, self.rng.uniform(0, 2))
            for i, spec in enumerate(specs)
        ]
        self.stations = read_stations(DEMO_STATIONS) if cameras is None else []
        self.next_readings = 0.0
        self.dossiers = DossierFeed(units, self.rng, utcnow().date())
        self.next_dossier = 0.0
        self.next_report = 5.0
        self.published = 0
        self.client = make_client(mqtt_settings, f"ioc-simulator-{uuid.uuid4().hex[:6]}", False)

    def run(self, stop: threading.Event) -> None:
        self.client.connect_async(self.mqtt.host, self.mqtt.port, keepalive=30)
        self.client.loop_start()
        elapsed = 0.0
        next_detection = self._next_detection_gap(utcnow())
        try:
            while not stop.wait(0.5):
                elapsed += 0.5
                now = utcnow()
                self._heartbeats(now, elapsed)
                if elapsed >= self.next_readings:
                    self._readings(now)
                    self.next_readings = elapsed + self.settings.reading_interval_s
                if elapsed >= self.next_report:
                    self._report(now)
                    self.next_report = elapsed + self.settings.report_interval_s
                if elapsed >= self.next_dossier:
                    self._dossier()
                    self.next_dossier = elapsed + self.settings.dossier_interval_s
                if elapsed >= next_detection:
                    self._detection(now)
                    next_detection = elapsed + self._next_detection_gap(now)
        finally:
            self.client.disconnect()
            self.client.loop_stop()

    def _next_detection_gap(self, now: datetime) -> float:
        rate = fire_risk_factor(now) / self.settings.detection_interval_s
        return self.rng.expovariate(rate)

    def _report(self, now: datetime) -> None:
        for report in simulated_reports(self.rng, now, count=1):
            self._publish(REPORT_APP, "new", report_payload(report), "report")

    def _dossier(self) -> None:
        dossier = self.dossiers.next()
        if dossier is not None:
            self._publish(SYSTEM, "event", dossier_payload(dossier), "dossier")

    def _readings(self, now: datetime) -> None:
        for station in self.stations:
            self._publish(station.id, "reading", sensor_payload(station, now, self.rng), "sensor")

    def _publish(
        self, source_id: str, kind: str, payload: dict[str, object], stream: str = "camera"
    ) -> None:
        topic = topic_for(self.mqtt.topic_prefix, stream, source_id, kind)
        self.client.publish(topic, json.dumps(payload), qos=1)
        self.published += 1

    def _heartbeats(self, now: datetime, elapsed: float) -> None:
        for camera in self.cameras:
            if camera.silent or elapsed < camera.next_heartbeat:
                continue
            health = picture_health(now, self.rng)
            self._publish(camera.spec.id, "heartbeat", heartbeat_payload(now, health, 5.0))
            camera.next_heartbeat = elapsed + self.settings.heartbeat_interval_s

    def _detection(self, now: datetime) -> None:
        live = [c for c in self.cameras if not c.silent]
        if not live:
            return
        camera = self.rng.choice(live)
        detection = simulated_detection(self.rng)
        payload = {**detection_payload(detection, now, None), "simulated": True}  # "mô phỏng"
        self._publish(camera.spec.id, "detection", payload)
        log.info("simulated %s at %s (%s)", detection.kind, camera.spec.name, camera.spec.id)


def simulator_task(settings: Settings, store: Store) -> Task:
    """The simulated province; dossier events go to the units valid today."""
    with store.session() as session:
        units = [u.code for u in units_valid_at(session, date.today(), "commune")]
    return Simulator(settings.mqtt, settings.simulator, units=units).run
