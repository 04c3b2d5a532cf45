"""Open311 GeoReport v2 documents: services, service definitions, requests and errors,
as JSON-ready dicts and (optionally) XML.

Only public fields are produced: a request carries no contact data of the reporter, and
its free texts (description, address, status notes) are published with e-mail addresses
and phone numbers masked (:mod:`ioc.reports.privacy`).
Times are W3C date-times in Vietnamese local time (``2026-03-01T08:00:00+07:00``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET

from ioc.reports.categories import Category
from ioc.reports.privacy import redact
from ioc.reports.workflow import open311_status
from ioc.store.models import CitizenReport
from ioc.timeutil import to_local

SINGULAR = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
}
LANDMARK = {
    "variable": True,
    "code": "landmark",
    "datatype": "string",
    "required": False,
    "datatype_description": "Điểm mốc gần nơi phản ánh / nearby landmark",
    "order": 1,
    "description": "Điểm mốc / Landmark",
}


def w3c(moment: datetime | None) -> str | None:
    return None if moment is None else to_local(moment).isoformat(timespec="seconds")


def service_dict(category: Category, lang: str) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name(lang),
        "description": category.description(lang),
        "metadata": True,
        "type": "realtime",
        "keywords": category.keywords,
        "group": "Phản ánh hiện trường" if lang != "en" else "Field reports",
    }


def definition_dict(category: Category) -> dict[str, Any]:
    return {"service_code": category.code, "attributes": [dict(LANDMARK)]}


def request_dict(
    report: CitizenReport,
    categories: Mapping[str, Category],
    lang: str,
    media_url: Callable[[str], str],
) -> dict[str, Any]:
    """One service request as Open311 shows it publicly."""
    category = categories.get(report.service_code)
    attributes = report.attributes or {}
    media = media_url(report.media_path) if report.media_path else attributes.get("media_url")
    return {
        "service_request_id": str(report.id),
        "status": open311_status(report.status),
        "status_notes": redact(report.status_notes) or report.status,
        "service_name": category.name(lang) if category else report.service_code,
        "service_code": report.service_code,
        "description": redact(report.description),
        "agency_responsible": report.agency,
        "service_notice": "",
        "requested_datetime": w3c(report.created_at),
        "updated_datetime": w3c(report.updated_at),
        "expected_datetime": w3c(report.result_due_at),
        "address": redact(report.address),
        "address_id": "",
        "zipcode": "",
        "lat": report.lat,
        "long": report.lon,
        "media_url": media or "",
    }


def errors(code: int, *descriptions: str) -> list[dict[str, Any]]:
    """Open311's error document: a list of ``{"code", "description"}``."""
    return [{"code": code, "description": text} for text in descriptions]


def to_xml(root: str, items: Sequence[Mapping[str, Any]] | Mapping[str, Any]) -> bytes:
    """An Open311 XML document (``<services><service>...``) of the same data as the JSON."""
    element = ET.Element(root)
    if isinstance(items, Mapping):
        _fill(element, items)
    else:
        for item in items:
            _fill(ET.SubElement(element, SINGULAR.get(root, "item")), item)
    text = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>' + text).encode("utf-8")


def _fill(parent: ET.Element, item: Mapping[str, Any]) -> None:
    for key, value in item.items():
        child = ET.SubElement(parent, key)
        if isinstance(value, list):
            for entry in value:
                _fill(ET.SubElement(child, SINGULAR.get(key, "item")), entry)
        elif isinstance(value, bool):
            child.text = "true" if value else "false"
        elif value is not None:
            child.text = str(value)
