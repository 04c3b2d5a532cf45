"""The alert's snapshot link: plain without a key, signed (and accepted by the same key's
verifier) with one; device URLs and other files left alone."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

from ioc.file_links import FileLinks
from ioc.notify.message import build_alert, snapshot_url
from ioc.store.models import Incident

LINKS = FileLinks(b"k" * 32, 24 * 3600)
NOW = 1_800_000_000


def incident(snapshot: str | None) -> Incident:
    at = datetime(2026, 3, 10, 5, 50, tzinfo=UTC)
    return Incident(
        id=7,
        kind="smoke",
        severity="high",
        status="new",
        title="Khói",
        unit_code="672",
        lon=108.44,
        lat=11.94,
        opened_at=at,
        updated_at=at,
        snapshot=snapshot,
    )


def test_the_alert_carries_a_signed_snapshot_link_when_a_key_is_set() -> None:
    plain = build_alert(incident("snapshots/CAM-A/a.jpg"), "https://ioc.test")
    assert plain.snapshot_url == "https://ioc.test/files/snapshots/CAM-A/a.jpg"
    alert = build_alert(incident("snapshots/CAM-A/a.jpg"), "https://ioc.test/", signer=LINKS)
    assert alert.snapshot_url is not None
    parts = urlsplit(alert.snapshot_url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://ioc.test/files/snapshots/CAM-A/a.jpg"
    )
    assert LINKS.verify(parts.path, parts.query, time.time())
    assert alert.snapshot_url in alert.text
    device = build_alert(incident("https://cam.example/x.jpg"), "https://ioc.test", signer=LINKS)
    assert device.snapshot_url == "https://cam.example/x.jpg"  # not ours to sign
    assert build_alert(incident(None), "https://ioc.test", signer=LINKS).snapshot_url is None
    other = snapshot_url("https://ioc.test", "field/7/a.jpg", LINKS, NOW)
    assert other == "https://ioc.test/files/field/7/a.jpg"  # no route honours it: unsigned
