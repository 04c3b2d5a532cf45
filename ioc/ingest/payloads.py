"""Versioned JSON payloads of the MQTT topic scheme (v1), as pydantic models.

These models are the contract with device vendors (see docs/mqtt.md): strict types, no
unknown fields, finite numbers only.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

MsgId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[\w.:-]+$")]
Score = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
Fraction = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]


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
    fps: Annotated[float, Field(ge=0, le=240, allow_inf_nan=False)] | None = None


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
