"""Webhook channel: a JSON POST signed with ``X-IOC-Signature: sha256=<hex HMAC>``.

The HMAC-SHA256 is computed with ``incidents.webhook_secret`` over the exact body bytes,
as GitHub does, so a receiver checks it with one ``hmac.compare_digest``.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import requests

from ioc.config import Settings
from ioc.notify.base import Alert, DeliveryError

SIGNATURE_HEADER = "X-IOC-Signature"


def sign(secret: str, body: bytes) -> str:
    """The signature header value of ``body``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """Whether ``header`` is the right signature of ``body`` (for receivers and tests)."""
    return header is not None and hmac.compare_digest(sign(secret, body), header)


class WebhookNotifier:
    """POSTs alerts to a URL (the subscription's target, or ``incidents.webhook_url``)."""

    name = "webhook"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings.incidents
        self.http = requests.Session()

    def send(self, alert: Alert, target: str) -> None:
        url = target or self.settings.webhook_url
        if not url:
            raise DeliveryError("no webhook URL configured")
        body = json.dumps(alert.payload(), ensure_ascii=False).encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            SIGNATURE_HEADER: sign(self.settings.webhook_secret, body),
            "X-IOC-Incident": str(alert.incident_id),
        }
        try:
            response = self.http.post(
                url, data=body, headers=headers, timeout=self.settings.webhook_timeout_s
            )
        except requests.RequestException as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code >= 300:
            raise DeliveryError(f"HTTP {response.status_code} from {url}")

    def close(self) -> None:
        self.http.close()
