"""Field photos sent from the field page: decoded, re-encoded, stored beside the snapshots.

A photo is kept under ``<var_dir>/snapshots/field/<incident id>/`` so the same
``/files/snapshots/...`` route serves it. Only JPEG and PNG up to 5 MB whose pixels decode
are accepted, and what is stored is a fresh JPEG of those pixels (the Open311 photos' own
:func:`ioc.reports.media.reencode`): no EXIF (a phone's GPS position, its make), comment or
trailing bytes ride along, and a file that merely starts like a JPEG is refused.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime
from pathlib import Path

from ioc.reports.media import MediaError, reencode

FIELD_FOLDER = "field"  # under snapshots/: one folder per incident
MAX_BYTES = 5 * 1024 * 1024


def decode_upload(contents: str) -> bytes | None:
    """The bytes of a ``data:<type>;base64,<data>`` upload, or None when it is not one."""
    _head, sep, data = contents.partition(";base64,")
    if not sep or len(data) > MAX_BYTES * 4 // 3 + 8:
        return None
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None


def save_photo(var_dir: Path, incident_id: int, contents: str, at: datetime) -> str | None:
    """Store an uploaded photo; its path relative to ``var_dir``, or None when refused."""
    raw = decode_upload(contents)
    if raw is None or len(raw) > MAX_BYTES:
        return None
    try:
        clean = reencode(raw)
    except MediaError:
        return None
    relative = Path("snapshots") / FIELD_FOLDER / str(int(incident_id))
    (var_dir / relative).mkdir(parents=True, exist_ok=True)
    name = f"{at.strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:6]}.jpg"
    (var_dir / relative / name).write_bytes(clean)
    return (relative / name).as_posix()
