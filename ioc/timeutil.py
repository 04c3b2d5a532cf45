"""Time helpers: the IOC stores UTC and shows Asia/Ho_Chi_Minh."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow() -> datetime:
    """The current moment, timezone-aware in UTC."""
    return datetime.now(UTC)


def to_local(moment: datetime) -> datetime:
    """A UTC moment as Vietnamese local time (UTC+7)."""
    return moment.astimezone(LOCAL_TZ)


def format_local(moment: datetime | None, pattern: str = "%H:%M:%S %d/%m/%Y") -> str:
    """A moment as local time text, or an empty string for None."""
    return "" if moment is None else to_local(moment).strftime(pattern)
