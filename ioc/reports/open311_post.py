"""``POST requests``: turning an Open311 form (and its photo) into a :class:`ReportIn`.

Checks run in the order a client can fix them: api key (403), service code (400/404),
upload size (413) and kind (415), description and coordinates (400), then the location:
lat/long, else the photo's EXIF GPS, else a ward or commune named in ``address_string``.
Whether the point lies in the province (422) is decided by routing in the intake.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage, MultiDict

from ioc.config.reports import ReportsSettings
from ioc.reports.categories import Category
from ioc.reports.exif import gps_lonlat
from ioc.reports.intake import ReportIn, point_problem
from ioc.reports.media import MediaError, image_kind, save_upload
from ioc.store.units import LEVEL_RANK, units_valid_at

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def field(form: MultiDict[str, str], name: str) -> str:
    """A form field as text to keep: trimmed, without NUL and other control characters
    (PostgreSQL refuses NUL in text; the rest only garbles pages and XML)."""
    return CONTROL.sub("", form.get(name, "")).strip()


class Open311Error(Exception):
    """An error to answer in Open311's format with ``code`` as the HTTP status."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass(frozen=True)
class Upload:
    """A photo read from the request (not yet stored)."""

    data: bytes
    gps: tuple[float, float] | None


def check_key(form: MultiDict[str, str], settings: ReportsSettings) -> None:
    if settings.api_keys and form.get("api_key", "") not in settings.api_keys:
        raise Open311Error(403, "invalid api_key")


def check_service(form: MultiDict[str, str], categories: Mapping[str, Category]) -> str:
    code = field(form, "service_code")
    if not code:
        raise Open311Error(400, "service_code is required")
    if code not in categories:
        raise Open311Error(404, f"service_code not found: {code}")
    return code


def read_upload(file: FileStorage | None, settings: ReportsSettings) -> Upload | None:
    """The uploaded photo, checked by size and by magic bytes (never by its name)."""
    if file is None or not file.filename:
        return None
    data = file.stream.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise Open311Error(413, f"media larger than {settings.max_upload_bytes} bytes")
    if image_kind(data) is None:
        raise Open311Error(415, "media must be a JPEG or PNG image")
    return Upload(data, gps_lonlat(data) if image_kind(data) == "jpeg" else None)


def _number(form: MultiDict[str, str], name: str) -> float | None:
    text = field(form, name)
    if not text:
        return None
    try:
        return float(text)
    except ValueError as exc:
        raise Open311Error(400, f"{name} must be a decimal number (WGS84)") from exc


def address_point(session: Session, address: str, at: date) -> tuple[float, float] | None:
    """The centre of the most specific unit whose name appears in ``address``."""
    text = address.casefold()
    units = sorted(units_valid_at(session, at), key=lambda u: -LEVEL_RANK.get(u.level, 0))
    for unit in units:
        name = unit.name.split(" - ")[0].strip().casefold()
        if unit.level != "province" and name and name in text:
            return unit.center_lon, unit.center_lat
    return None


def locate(
    session: Session, form: MultiDict[str, str], upload: Upload | None, today: date
) -> tuple[float, float]:
    """``(lon, lat)`` of the report from lat/long, the photo's GPS or the address."""
    lat, lon = _number(form, "lat"), _number(form, "long")
    if (lat is None) != (lon is None):
        raise Open311Error(400, "lat and long must be given together")
    if lat is not None and lon is not None:
        problem = point_problem(lon, lat)
        if problem:
            raise Open311Error(400, problem)
        return lon, lat
    if upload is not None and upload.gps is not None:
        return upload.gps
    found = address_point(session, form.get("address_string", ""), today)
    if found is None:
        raise Open311Error(
            400,
            "a location is required: lat and long, a geotagged photo or an address_string "
            "naming a ward or commune",
        )
    return found


def build_report(
    session: Session,
    form: MultiDict[str, str],
    media: FileStorage | None,
    *,
    categories: Mapping[str, Category],
    settings: ReportsSettings,
    uploads: Path,
    today: date,
) -> ReportIn:
    """The report a POST asks for (raises :class:`Open311Error`); stores its photo."""
    check_key(form, settings)
    code = check_service(form, categories)
    upload = read_upload(media, settings)
    description = field(form, "description")
    if len(description) > settings.max_description_chars:
        raise Open311Error(400, f"description longer than {settings.max_description_chars}")
    lon, lat = locate(session, form, upload, today)
    return ReportIn(
        service_code=code,
        lon=lon,
        lat=lat,
        description=description,
        address=field(form, "address_string")[:500],
        source="open311",
        media_path=_store_photo(upload, uploads, settings),
        attributes=_attributes(form),
        first_name=field(form, "first_name"),
        last_name=field(form, "last_name"),
        email=field(form, "email"),
        phone=field(form, "phone"),
    )


def _store_photo(upload: Upload | None, uploads: Path, settings: ReportsSettings) -> str | None:
    if upload is None:
        return None
    try:
        return save_upload(uploads, upload.data, settings.max_image_side, settings.jpeg_quality)
    except MediaError as exc:
        raise Open311Error(exc.http_code, str(exc)) from exc


def _attributes(form: MultiDict[str, str]) -> dict[str, str]:
    found = {
        CONTROL.sub("", key[len("attribute[") : -1])[:100]: CONTROL.sub("", value)[:500]
        for key, value in form.items()
        if key.startswith("attribute[") and key.endswith("]")
    }
    media_url = field(form, "media_url")
    if media_url.startswith(("http://", "https://")):
        found["media_url"] = media_url[:1000]
    return found
