"""The notifier interface and the alert every channel sends."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Protocol


class DeliveryError(Exception):
    """A delivery failed; the dispatcher retries it, then dead-letters it."""


@dataclass(frozen=True)
class Alert:
    """One message about one incident, ready for any channel."""

    incident_id: int
    unit_code: str
    kind: str
    severity: str
    status: str
    title: str
    subject: str
    text: str
    lon: float | None
    lat: float | None
    camera_id: str | None
    snapshot_url: str | None
    ack_url: str
    map_url: str | None
    geo_uri: str | None
    opened_at: str
    level: int = 0
    reason: str = "alert"
    assignee: str = ""  # who the incident is dispatched to (a user name or team:<name>)

    def payload(self) -> dict[str, Any]:
        """The JSON body of MQTT and webhook messages."""
        return {"v": 1, "type": "incident_alert", **asdict(self)}


class Notifier(Protocol):
    """A channel: sends an alert to one target (topic unit, URL, address) or raises."""

    name: str

    def send(self, alert: Alert, target: str) -> None: ...

    def close(self) -> None: ...
