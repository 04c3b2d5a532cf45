"""The ``dossier_event`` target: one-stop dossiers through the same contract as MQTT.

A mapped record becomes a :class:`ioc.mqtt.payloads.DossierEventV1` message (validated
from JSON exactly as the ingest worker validates ``ioc/v1/dossier/<system>/event``), then a
:class:`ioc.kpi.dossiers.DossierIn` with its own checks, then the unit check of the file
import (the unit must be valid on the receipt day), and is written by
:func:`ioc.kpi.dossiers.upsert_dossiers` (a later state replaces an earlier one).
``event_at`` is the message's ``ts``: when the one-stop system produced this state.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from ioc.connectors.sinks import Refused
from ioc.kpi.dossiers import DossierIn, upsert_dossiers
from ioc.kpi.importer import UnitSpans, unit_problem, unit_spans
from ioc.mqtt.payloads import DossierEventV1
from ioc.store import Store

ENVELOPE = frozenset({"v", "msg_id", "ts"})


class DossierSink:
    """Dossier events into the ``dossiers`` table."""

    fields = frozenset(set(DossierEventV1.model_fields) - ENVELOPE | {"event_at"})
    required = frozenset({"dossier_id", "procedure_code", "unit_code", "received_at", "event_at"})

    def __init__(self) -> None:
        self.spans: UnitSpans = {}

    def prepare(self, store: Store) -> None:
        self.spans = unit_spans(store)

    def convert(self, mapped: dict[str, Any], key: str) -> DossierIn | Refused:
        fields = dict(mapped)
        message = {"v": 1, "msg_id": _msg_id(key), "ts": fields.pop("event_at", None), **fields}
        try:
            parsed = DossierEventV1.model_validate_json(json.dumps(message, default=str))
        except ValidationError as exc:
            return Refused(_detail(exc))
        payload = parsed.model_dump(exclude=set(ENVELOPE))
        dossier = DossierIn(**{**payload, "channel": parsed.channel.value, "event_at": parsed.ts})
        problems = dossier.problems()
        unit = unit_problem(self.spans, dossier)
        if unit:
            problems.append(unit)
        return Refused("; ".join(problems)) if problems else dossier

    def write(self, session: Session, items: list[Any], postgis: bool) -> int:
        result = upsert_dossiers(session, items, postgis)
        return result.inserted + result.updated


def _msg_id(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def _detail(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "record"
        where = "event_at" if where == "ts" else where
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)
