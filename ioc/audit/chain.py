"""Hashing of audit rows: pure functions over plain values, shared by writer and verifier.

A row's hash is SHA-256 over the previous row's hash and a canonical JSON of the row's
content (its id, moment, actor, action, target, unit, client and detail, keys sorted, UTF-8).
The id is inside the hash, so a row cannot be moved to another place in the chain.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def canonical(
    row_id: int,
    at: datetime,
    *,
    actor: str,
    action: str,
    target: str,
    unit_code: str | None,
    client: str,
    detail: dict[str, Any] | None,
) -> bytes:
    """The bytes that are hashed for one row."""
    content = {
        "id": row_id,
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": actor,
        "action": action,
        "target": target,
        "unit": unit_code,
        "client": client,
        "detail": detail,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def link(prev_hash: str, content: bytes) -> str:
    """The hash of a row whose content is ``content`` after a row hashed ``prev_hash``."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + content).hexdigest()
