"""What the MQTT transport hands over: one message as it arrived, free of the MQTT library.

Made once per message on the hot path, so a NamedTuple: as immutable as a frozen dataclass
and several times cheaper to build.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple


class InboundMessage(NamedTuple):
    """One message as it arrived, independent of the MQTT library."""

    topic: str
    payload: bytes
    received_at: datetime
    qos: int = 0
    mid: int = 0
    retain: bool = False
    session: int = 0  # which connection it came on: acks only make sense on that one
