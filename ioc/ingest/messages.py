"""The ingest's internal message types: what parsing returns from an InboundMessage.

The types made once per message on the hot path (SensorReadings, Reading)
are NamedTuples: as immutable as frozen dataclasses and several times cheaper to build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from ioc.kpi.dossiers import DossierIn
from ioc.mqtt.inbound import InboundMessage
from ioc.reports.intake import ReportIn


@dataclass(frozen=True)
class Rejected:
    """A message that cannot be used, and why (in words an integrator understands)."""

    reason: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}" if self.detail else self.reason


@dataclass(frozen=True)
class CameraHeartbeat:
    """A camera says it is alive, with its picture health."""

    msg_id: str
    camera_id: str
    observed_at: datetime
    health: str
    fps: float | None = None


@dataclass(frozen=True)
class CameraDetection:
    """A camera (or its analytics) saw smoke or fire."""

    msg_id: str
    camera_id: str
    observed_at: datetime
    kind: str
    score: float
    bbox: tuple[float, float, float, float] | None = None
    snapshot: str | None = None
    clip: str | None = None
    simulated: bool = False


class Reading(NamedTuple):
    quantity: str
    value: float
    observed_at: datetime


class SensorReadings(NamedTuple):
    """A station's readings from one message (a gateway may batch many)."""

    msg_id: str
    station_id: str
    lon: float
    lat: float
    readings: tuple[Reading, ...]


class DossierEvent(NamedTuple):
    """A dossier's state from the one-stop system named in the topic."""

    msg_id: str
    system: str
    dossier: DossierIn


class CitizenReportEvent(NamedTuple):
    """A citizen report from the field app named in the topic."""

    msg_id: str
    report: ReportIn


class ReportRating(NamedTuple):
    """A citizen's rating (1-5) of a closed report, from the field app named in the topic."""

    msg_id: str
    source: str
    report_id: int
    rating: int
    at: datetime


class IncidentAck(NamedTuple):
    """A field officer's action on an incident, sent from the field app. ``identity`` is the
    MQTT user name the broker authenticated (the topic's source id); ``label`` is the name
    the app showed, kept for display only."""

    msg_id: str
    incident_id: int
    action: str
    identity: str
    note: str
    at: datetime
    assignee: str | None = None
    photo: str | None = None
    label: str = ""


CameraRecord = CameraHeartbeat | CameraDetection
Record = (
    CameraHeartbeat
    | CameraDetection
    | SensorReadings
    | DossierEvent
    | CitizenReportEvent
    | ReportRating
    | IncidentAck
)


@dataclass(frozen=True)
class OwnOutput:
    """A message the IOC published itself under the prefix (an alert): not input, skipped."""

    topic: str


@dataclass
class ParsedBatch:
    """What a batch of messages became: good records and rejects, in arrival order (and how
    many were the IOC's own output, seen because the worker subscribes to the whole prefix)."""

    records: list[tuple[InboundMessage, Record]] = field(default_factory=list)
    rejected: list[tuple[InboundMessage, Rejected]] = field(default_factory=list)
    own_output: int = 0
