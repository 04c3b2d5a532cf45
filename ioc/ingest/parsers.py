"""Pure parsers: an InboundMessage becomes a domain record or a Rejected with its reason.

Nothing here does I/O or raises on bad input; every failure is a ``Rejected`` whose reason
is one of a few stable codes (for counters) plus a human detail.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ioc.ingest.messages import (
    CameraDetection,
    CameraHeartbeat,
    CitizenReportEvent,
    DossierEvent,
    IncidentAck,
    OwnOutput,
    Reading,
    Record,
    Rejected,
    ReportRating,
    SensorReadings,
)
from ioc.kpi.dossiers import DossierIn
from ioc.mqtt.inbound import InboundMessage
from ioc.mqtt.payloads import (
    QUANTITY_RANGES,
    DetectionV1,
    DossierEventV1,
    FieldAckV1,
    HeartbeatV1,
    Payload,
    ReportRatingV1,
    ReportV1,
    SensorV1,
)
from ioc.mqtt.topics import Topic, is_own_output, retired, split_topic
from ioc.reports.intake import ReportIn

P = TypeVar("P", bound=BaseModel)
Q = TypeVar("Q", bound=Payload)


@dataclass(frozen=True)
class ParseRules:
    """Limits the parsers enforce; ``inside`` says whether a lon/lat lies in the province."""

    prefix: str = "ioc/v1"
    max_payload_bytes: int = 256 * 1024
    future_tolerance_s: float = 300.0
    inside: Callable[[float, float], bool] | None = None

    @cached_property
    def future_tolerance(self) -> timedelta:
        return timedelta(seconds=self.future_tolerance_s)


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def decode_json(payload: bytes) -> dict[str, Any] | Rejected:
    """The payload as a JSON object, or why it is not one."""
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Rejected("not_utf8", f"byte {exc.start} is not UTF-8")
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        return Rejected("not_json", str(exc)[:200])
    if not isinstance(data, dict):
        return Rejected("not_object", f"payload is a JSON {type(data).__name__}, not an object")
    return data


def _validation_detail(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "payload"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def _validate(model: type[P], payload: bytes) -> P | Rejected:
    """Fast path straight from bytes; a failure is re-parsed slowly for a precise reason."""
    try:
        return model.model_validate_json(payload)
    except ValidationError:
        pass
    data = decode_json(payload)
    if isinstance(data, Rejected):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        return Rejected("invalid_fields", _validation_detail(exc))


def parse_message(message: InboundMessage, rules: ParseRules) -> Record | Rejected | OwnOutput:
    """Turn one message into a record, or say precisely why not (the IOC's own alerts,
    which arrive too under the whole prefix, are passed over)."""
    if is_own_output(rules.prefix, message.topic):
        return OwnOutput(message.topic)
    if len(message.payload) > rules.max_payload_bytes:
        return Rejected("too_large", f"{len(message.payload)} bytes > {rules.max_payload_bytes}")
    why_retired = retired(rules.prefix, message.topic)
    if why_retired is not None:
        return Rejected("unauthenticated", why_retired)
    topic = split_topic(rules.prefix, message.topic)
    if isinstance(topic, str):
        return Rejected("bad_topic", topic)
    return PARSERS[(topic.stream, topic.message_type)](topic, message, rules)


def _checked(model: type[Q], message: InboundMessage, rules: ParseRules) -> Q | Rejected:
    """The payload as ``model``, or why not (including a timestamp too far ahead)."""
    parsed = _validate(model, message.payload)
    if isinstance(parsed, Rejected):
        return parsed
    if parsed.ts - message.received_at > rules.future_tolerance:
        return Rejected(
            "future_timestamp", f"ts {parsed.ts.isoformat()} is ahead of the server clock"
        )
    return parsed


def _outside(lon: float, lat: float, rules: ParseRules) -> Rejected | None:
    if rules.inside is not None and not rules.inside(lon, lat):
        return Rejected("outside_province", f"lon {lon}, lat {lat}")
    return None


def _heartbeat(
    topic: Topic, message: InboundMessage, rules: ParseRules
) -> CameraHeartbeat | Rejected:
    parsed = _checked(HeartbeatV1, message, rules)
    if isinstance(parsed, Rejected):
        return parsed
    return CameraHeartbeat(
        msg_id=parsed.msg_id,
        camera_id=topic.source_id,
        observed_at=parsed.ts,
        health=parsed.health.value,
        fps=parsed.fps,
    )


def _detection(
    topic: Topic, message: InboundMessage, rules: ParseRules
) -> CameraDetection | Rejected:
    parsed = _checked(DetectionV1, message, rules)
    if isinstance(parsed, Rejected):
        return parsed
    return CameraDetection(
        msg_id=parsed.msg_id,
        camera_id=topic.source_id,
        observed_at=parsed.ts,
        kind=parsed.kind.value,
        score=parsed.score,
        bbox=parsed.bbox,
        snapshot=parsed.snapshot,
        clip=parsed.clip,
        simulated=parsed.simulated,
    )


def _bad_reading(payload: SensorV1, message: InboundMessage, rules: ParseRules) -> Rejected | None:
    """The first reading whose value is implausible or whose own time is in the future."""
    for index, reading in enumerate(payload.readings):
        low, high = QUANTITY_RANGES[reading.q]
        if not low <= reading.value <= high:
            return Rejected(
                "out_of_range",
                f"readings.{index}: {reading.q.value}={reading.value} outside [{low}, {high}]",
            )
        if reading.ts is not None and reading.ts - message.received_at > rules.future_tolerance:
            return Rejected("future_timestamp", f"readings.{index}: ts {reading.ts.isoformat()}")
    return None


def _sensor(topic: Topic, message: InboundMessage, rules: ParseRules) -> SensorReadings | Rejected:
    parsed = _checked(SensorV1, message, rules)
    if isinstance(parsed, Rejected):
        return parsed
    bad = _outside(parsed.lon, parsed.lat, rules) or _bad_reading(parsed, message, rules)
    if bad is not None:
        return bad
    return SensorReadings(
        msg_id=parsed.msg_id,
        station_id=topic.source_id,
        lon=parsed.lon,
        lat=parsed.lat,
        readings=tuple(Reading(r.q.value, r.value, r.ts or parsed.ts) for r in parsed.readings),
    )


def _dossier(topic: Topic, message: InboundMessage, rules: ParseRules) -> DossierEvent | Rejected:
    parsed = _checked(DossierEventV1, message, rules)
    if isinstance(parsed, Rejected):
        return parsed
    fields = parsed.model_dump(exclude={"v", "msg_id", "ts"})
    dossier = DossierIn(**{**fields, "channel": parsed.channel.value, "event_at": parsed.ts})
    problems = dossier.problems()
    if problems:
        return Rejected("invalid_fields", "; ".join(problems))
    return DossierEvent(parsed.msg_id, topic.source_id, dossier)


def _report(
    topic: Topic, message: InboundMessage, rules: ParseRules
) -> CitizenReportEvent | Rejected:
    parsed = _checked(ReportV1, message, rules)
    if isinstance(parsed, Rejected):
        return parsed
    outside = _outside(parsed.lon, parsed.lat, rules)
    if outside is not None:
        return outside
    contact = parsed.contact.model_dump() if parsed.contact else {}
    attributes = {"media_url": parsed.media_url} if parsed.media_url else {}
    report = ReportIn(
        service_code=parsed.service_code,
        lon=parsed.lon,
        lat=parsed.lat,
        description=parsed.description,
        external_id=f"{topic.source_id}:{parsed.msg_id}",
        created_at=parsed.ts,
        address=parsed.address,
        source=topic.source_id[:40],
        attributes=attributes,
        **contact,
    )
    return CitizenReportEvent(parsed.msg_id, report)


def _rating(topic: Topic, message: InboundMessage, rules: ParseRules) -> ReportRating | Rejected:
    parsed = _checked(ReportRatingV1, message, rules)
    if isinstance(parsed, Rejected):
        return parsed
    return ReportRating(
        parsed.msg_id, topic.source_id, parsed.service_request_id, parsed.rating, parsed.ts
    )


def _field_ack(topic: Topic, message: InboundMessage, rules: ParseRules) -> IncidentAck | Rejected:
    parsed = _checked(FieldAckV1, message, rules)
    if isinstance(parsed, Rejected):
        return parsed
    return IncidentAck(
        parsed.msg_id,
        parsed.incident,
        parsed.action.value,
        topic.source_id,
        parsed.note,
        parsed.ts,
        parsed.assignee,
        parsed.photo,
        parsed.actor,
    )


StreamParser = Callable[[Topic, InboundMessage, ParseRules], Record | Rejected]

# One parser per (stream, message type) of the topic scheme (ioc.mqtt.topics.KNOWN).
PARSERS: dict[tuple[str, str], StreamParser] = {
    ("camera", "heartbeat"): _heartbeat,
    ("camera", "detection"): _detection,
    ("sensor", "reading"): _sensor,
    ("dossier", "event"): _dossier,
    ("report", "new"): _report,
    ("report", "rating"): _rating,
    ("field", "ack"): _field_ack,
}
