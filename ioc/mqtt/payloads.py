"""Versioned JSON payloads of the MQTT topic scheme (v1), as pydantic models.

These models are the contract with device vendors (see docs/mqtt.md): strict types, no
unknown fields, finite numbers only.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

MsgId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[\w.:-]+$")]
Score = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False, strict=True)]
Fraction = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False, strict=True)]


class CameraHealth(StrEnum):
    """The picture's health as the camera (or its worker) judges it."""

    OK = "ok"
    FROZEN = "frozen"
    DARK = "dark"
    BLURRED = "blurred"
    COVERED = "covered"
    NO_SIGNAL = "no_signal"


class DetectionKind(StrEnum):
    SMOKE = "smoke"
    FIRE = "fire"


class Payload(BaseModel):
    """Fields every v1 payload carries."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    v: Literal[1]
    msg_id: MsgId
    ts: AwareDatetime


class HeartbeatV1(Payload):
    """``ioc/v1/camera/<camera_id>/heartbeat``"""

    health: CameraHealth = CameraHealth.OK
    fps: Annotated[float, Field(ge=0, le=240, allow_inf_nan=False, strict=True)] | None = None


class DetectionV1(Payload):
    """``ioc/v1/camera/<camera_id>/detection``"""

    kind: DetectionKind
    score: Score
    bbox: tuple[Fraction, Fraction, Fraction, Fraction] | None = Field(
        None, description="x, y, width, height as fractions of the frame"
    )
    snapshot: Annotated[str, StringConstraints(max_length=500)] | None = None
    clip: Annotated[str, StringConstraints(max_length=500)] | None = Field(
        None, description="path or URL of a short clip or frame strip around the detection"
    )
    simulated: bool = Field(False, description="true when a simulator made it (the demo)")


class Quantity(StrEnum):
    """Environmental quantities, each with its unit in the name."""

    RAIN_MM = "rain_mm"
    WATER_LEVEL_M = "water_level_m"
    TEMPERATURE_C = "temperature_c"
    HUMIDITY_PCT = "humidity_pct"
    PM25_UGM3 = "pm25_ugm3"
    WIND_SPEED_MS = "wind_speed_ms"
    WIND_DIR_DEG = "wind_dir_deg"


# Physically plausible ranges; a value outside is a broken sensor, not weather.
QUANTITY_RANGES: dict[Quantity, tuple[float, float]] = {
    Quantity.RAIN_MM: (0, 500),
    Quantity.WATER_LEVEL_M: (-20, 200),
    Quantity.TEMPERATURE_C: (-10, 55),
    Quantity.HUMIDITY_PCT: (0, 100),
    Quantity.PM25_UGM3: (0, 2000),
    Quantity.WIND_SPEED_MS: (0, 90),
    Quantity.WIND_DIR_DEG: (0, 360),
}

Finite = Annotated[float, Field(allow_inf_nan=False, strict=True)]


class ReadingV1(BaseModel):
    """One measured value; ``ts`` defaults to the message's."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    q: Quantity
    value: Finite
    ts: AwareDatetime | None = None


class SensorV1(Payload):
    """``ioc/v1/sensor/<station_id>/reading``: one reading, or a gateway's batch of them."""

    lon: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False, strict=True)]
    lat: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False, strict=True)]
    readings: Annotated[list[ReadingV1], Field(min_length=1, max_length=1000)]


class Channel(StrEnum):
    ONLINE = "online"
    IN_PERSON = "in_person"
    POSTAL = "postal"


Flag = Annotated[bool, Field(strict=True)]


class DossierEventV1(Payload):
    """``ioc/v1/dossier/<system>/event``: the current state of one dossier (hồ sơ TTHC).

    ``ts`` is when the one-stop system produced this state; a later state replaces an
    earlier one, an older or repeated one is ignored.
    """

    dossier_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    procedure_code: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    procedure_name: Annotated[str, StringConstraints(max_length=300)] = ""
    procedure_level: Annotated[int, Field(ge=1, le=4, strict=True)] | None = None
    unit_code: Annotated[str, StringConstraints(min_length=1, max_length=16)]
    channel: Channel = Channel.IN_PERSON
    received_at: AwareDatetime
    due_at: AwareDatetime | None = None
    finished_at: AwareDatetime | None = None
    fee_required: Flag = False
    paid_online: Flag = False
    digitised: Flag = False
    result_digitised: Flag = False
    e_result: Flag = False
    rating: Annotated[int, Field(ge=1, le=5, strict=True)] | None = None


class ContactV1(BaseModel):
    """The citizen's contact: stored apart, never shown publicly."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    first_name: Annotated[str, StringConstraints(max_length=100)] = ""
    last_name: Annotated[str, StringConstraints(max_length=100)] = ""
    email: Annotated[str, StringConstraints(max_length=200)] = ""
    phone: Annotated[str, StringConstraints(max_length=30)] = ""


class ReportV1(Payload):
    """``ioc/v1/report/<source app>/new``: a citizen's field report (phản ánh hiện trường)."""

    service_code: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    lon: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False, strict=True)]
    lat: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False, strict=True)]
    description: Annotated[str, StringConstraints(max_length=4000)] = ""
    address: Annotated[str, StringConstraints(max_length=500)] = ""
    media_url: Annotated[str, StringConstraints(max_length=500)] | None = None
    contact: ContactV1 | None = None


class ReportRatingV1(Payload):
    """``ioc/v1/report/<source app>/rating``: a citizen rates how a closed report was handled."""

    service_request_id: Annotated[int, Field(ge=1, le=2_147_483_647, strict=True)]
    rating: Annotated[int, Field(ge=1, le=5, strict=True)]


class AckAction(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    DISPATCH = "dispatch"
    RESOLVE = "resolve"
    FALSE_ALARM = "false_alarm"
    NOTE = "note"


class FieldAckV1(Payload):
    """``ioc/v1/field/<MQTT user name>/ack``: a field officer acts on an incident. Who acts
    is the broker-authenticated user name of the topic; ``actor`` is only a display label."""

    incident: Annotated[int, Field(ge=1, le=2**31 - 1, strict=True)]
    action: AckAction
    actor: Annotated[str, StringConstraints(max_length=120)] = ""
    note: Annotated[str, StringConstraints(max_length=2000)] = ""
    assignee: Annotated[str, StringConstraints(max_length=120)] | None = None
    photo: Annotated[str, StringConstraints(max_length=500)] | None = None
