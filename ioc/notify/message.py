"""The alert of an incident, in Vietnamese: title, place, map and ``geo:`` links, picture.

Every text comes from the translation table (:mod:`ioc.i18n`, language ``vi``), so the
field page and the messages use the same words. With a link key configured
(``auth.link_secret``), the snapshot link is signed and expiring
(:mod:`ioc.file_links`), so it opens on a phone without signing in.
"""

from __future__ import annotations

import time

from ioc.file_links import FileLinks
from ioc.i18n import t
from ioc.notify.base import Alert
from ioc.store.models import Incident
from ioc.timeutil import format_local

LANG = "vi"


def map_url(lon: float, lat: float) -> str:
    """An OpenStreetMap link with a marker at the point."""
    return (
        f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}#map=15/{lat:.6f}/{lon:.6f}"
    )


def geo_uri(lon: float, lat: float) -> str:
    """An RFC 5870 ``geo:`` URI: phones open it in their maps app for directions."""
    return f"geo:{lat:.6f},{lon:.6f}"


SIGNED_PREFIX = "/files/snapshots/"  # the only file route that honours signed links


def snapshot_url(
    public_url: str,
    snapshot: str | None,
    signer: FileLinks | None = None,
    now: float | None = None,
) -> str | None:
    """A link to the snapshot: served by the dashboard, or the device's own URL.

    With ``signer``, a dashboard snapshot gets a signature valid from ``now`` (default: the
    clock) for the configured lifetime; without, a plain link that needs a sign-in.
    """
    if not snapshot:
        return None
    if snapshot.startswith(("http://", "https://")):
        return snapshot
    path = f"/files/{snapshot.lstrip('/')}"
    if signer is not None and path.startswith(SIGNED_PREFIX):
        return signer.url(public_url, path, time.time() if now is None else now)
    return f"{public_url.rstrip('/')}{path}"


def field_url(public_url: str, unit_code: str | None, incident_id: int) -> str:
    unit = unit_code or ""
    return f"{public_url.rstrip('/')}/field?unit={unit}&incident={incident_id}"


def subject_of(incident: Incident, reason: str) -> str:
    prefix = t(f"notify.prefix.{reason}", LANG) if reason != "alert" else ""
    return prefix + t(
        "notify.subject",
        LANG,
        severity=t(f"incident.severity.{incident.severity}", LANG),
        title=incident.title,
        id=incident.id,
    )


def body_of(incident: Incident, links: dict[str, str | None], level: int) -> str:
    lines = [
        incident.title,
        t("notify.line.severity", LANG, severity=t(f"incident.severity.{incident.severity}", LANG)),
        t("notify.line.time", LANG, time=format_local(incident.opened_at)),
    ]
    if incident.lon is not None and incident.lat is not None:
        lines.append(
            t("notify.line.place", LANG, lat=f"{incident.lat:.5f}", lon=f"{incident.lon:.5f}")
        )
        lines.append(t("notify.line.map", LANG, url=links["map"]))
        lines.append(t("notify.line.geo", LANG, uri=links["geo"]))
    if links["snapshot"]:
        lines.append(t("notify.line.snapshot", LANG, url=links["snapshot"]))
    if incident.assignee:
        lines.append(t("notify.line.assignee", LANG, name=incident.assignee))
    if level > 0:
        lines.append(t(f"notify.level.{min(level, 2)}", LANG))
    lines.append(t("notify.line.ack", LANG, url=links["ack"]))
    return "\n".join(lines)


def build_alert(
    incident: Incident,
    public_url: str,
    level: int = 0,
    reason: str = "alert",
    signer: FileLinks | None = None,
) -> Alert:
    """The alert about ``incident`` for notification ``level`` (0 field, 1 leader, 2 province);
    its snapshot link signed by ``signer`` when given (``AuthSettings.file_links()``)."""
    has_place = incident.lon is not None and incident.lat is not None
    links: dict[str, str | None] = {
        "map": map_url(incident.lon, incident.lat) if has_place else None,  # type: ignore[arg-type]
        "geo": geo_uri(incident.lon, incident.lat) if has_place else None,  # type: ignore[arg-type]
        "snapshot": snapshot_url(public_url, incident.snapshot, signer),
        "ack": field_url(public_url, incident.unit_code, incident.id),
    }
    return Alert(
        incident_id=incident.id,
        unit_code=incident.unit_code or "",
        kind=incident.kind,
        severity=incident.severity,
        status=incident.status,
        title=incident.title,
        subject=subject_of(incident, reason),
        text=body_of(incident, links, level),
        lon=incident.lon,
        lat=incident.lat,
        camera_id=incident.camera_id,
        snapshot_url=links["snapshot"],
        ack_url=links["ack"] or "",
        map_url=links["map"],
        geo_uri=links["geo"],
        opened_at=incident.opened_at.isoformat(),
        level=level,
        reason=reason,
        assignee=incident.assignee or "",
    )
