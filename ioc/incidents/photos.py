"""Field photos sent from the field page: checked, then stored beside the snapshots.

A photo is kept under ``<var_dir>/snapshots/field/<incident id>/`` so the same
``/files/snapshots/...`` route serves it; only JPEG and PNG up to 5 MB are accepted.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime
from pathlib import Path

FIELD_FOLDER = "field"  # under snapshots/: one folder per incident
MAX_BYTES = 5 * 1024 * 1024
MAGIC = {b"\xff\xd8\xff": ".jpg", b"\x89PNG\r\n\x1a\n": ".png"}


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
    suffix = next((ext for magic, ext in MAGIC.items() if raw.startswith(magic)), None)
    if suffix is None:
        return None
    relative = Path("snapshots") / FIELD_FOLDER / str(int(incident_id))
    (var_dir / relative).mkdir(parents=True, exist_ok=True)
    name = f"{at.strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:6]}{suffix}"
    (var_dir / relative / name).write_bytes(raw)
    return (relative / name).as_posix()
