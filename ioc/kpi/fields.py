"""Turning text (CSV cells, Excel cells, JSON values) into dossier field values.

Shared by the file importer and any parser of the MQTT dossier stream. Each function
raises ``ValueError`` with a short reason for a value it cannot read. Times without a
zone are Vietnamese local time; ``dd/mm/yyyy [HH:MM[:SS]]`` is accepted beside ISO 8601.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from ioc.kpi.dossiers import DossierIn
from ioc.timeutil import LOCAL_TZ

TRUE = {"1", "true", "yes", "y", "x", "co", "có", "đúng"}
FALSE = {"", "0", "false", "no", "n", "khong", "không", "sai"}
CHANNEL_ALIASES = {
    "online": "online",
    "truc_tuyen": "online",
    "trực tuyến": "online",
    "in_person": "in_person",
    "truc_tiep": "in_person",
    "trực tiếp": "in_person",
    "postal": "postal",
    "buu_chinh": "postal",
    "bưu chính": "postal",
}
_LOCAL_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")


def as_time(value: Any) -> datetime | None:
    """An aware UTC datetime from text or a (naive local) datetime; None when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        moment = _parse_time_text(str(value).strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TZ)
    return moment.astimezone(UTC)


def _parse_time_text(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for pattern in _LOCAL_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise ValueError(f"not a date/time: {text!r}")


def as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    text = "" if value is None else str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError(f"not yes/no: {value!r}")


def as_int(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError(f"not a whole number: {value!r}") from None


def as_channel(value: Any) -> str:
    text = "in_person" if value is None or not str(value).strip() else str(value).strip()
    channel = CHANNEL_ALIASES.get(text.lower())
    if channel is None:
        raise ValueError(f"unknown channel: {value!r} (online, in_person, postal)")
    return channel


def as_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def dossier_from_mapping(raw: Mapping[str, Any]) -> DossierIn:
    """A :class:`DossierIn` from named values; ``ValueError`` naming the bad field."""
    values: dict[str, Any] = {}
    readers = {
        "received_at": as_time,
        "due_at": as_time,
        "finished_at": as_time,
        "event_at": as_time,
        "procedure_level": as_int,
        "rating": as_int,
        "channel": as_channel,
        "fee_required": as_bool,
        "paid_online": as_bool,
        "digitised": as_bool,
        "result_digitised": as_bool,
        "e_result": as_bool,
        "published": as_bool,
    }
    for name, reader in readers.items():
        if name in raw:
            try:
                values[name] = reader(raw[name])
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None
    for name in ("dossier_id", "procedure_code", "procedure_name", "unit_code"):
        values[name] = as_text(raw.get(name))
    if as_text(raw.get("published")) == "":
        values["published"] = True  # the one-stop system publishes unless it says otherwise
    return _complete(values)


def _complete(values: dict[str, Any]) -> DossierIn:
    if values.get("received_at") is None:
        raise ValueError("received_at: missing")
    if values.get("event_at") is None:
        values["event_at"] = max(
            t for t in (values["received_at"], values.get("finished_at")) if t is not None
        )
    record = DossierIn(**values)
    problems = record.problems()
    if problems:
        raise ValueError("; ".join(problems))
    return record
