"""Citizen reports over MQTT through the ingest writer, on both backends: routed to their
unit, stored once per app and message id, refused ones dead-lettered with the reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import func, select

from ioc.ingest.area import province_predicate
from ioc.ingest.messages import CitizenReportEvent, Rejected
from ioc.ingest.parsers import ParseRules, parse_message
from ioc.ingest.writer import BatchWriter
from ioc.mqtt.inbound import InboundMessage
from ioc.store import Store
from ioc.store.models import CitizenReport, DeadLetter
from ioc.store.models_reports import ReportContact
from tests.reports_support import outside_the_province, seed

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
TOPIC = "ioc/v1/report/dalat-smart/new"


def message(
    msg_id: str, code: str = "trat_tu_do_thi", lon: float = 108.4383, lat: float = 11.9413
) -> InboundMessage:
    body = {
        "v": 1,
        "msg_id": msg_id,
        "ts": "2026-11-25T07:42:00+07:00",
        "service_code": code,
        "lon": lon,
        "lat": lat,
        "description": "Lấn chiếm vỉa hè",
        "contact": {"first_name": "Lan", "phone": "0912345678"},
    }
    return InboundMessage(TOPIC, json.dumps(body).encode(), NOW)


def parsed(msg: InboundMessage) -> CitizenReportEvent:
    out = parse_message(msg, ParseRules())
    assert isinstance(out, CitizenReportEvent), out
    return out


def test_reports_are_routed_stored_once_and_refusals_kept(store: Store) -> None:
    seed(store)
    writer = BatchWriter(store)
    good, unknown = message("r1"), message("r2", code="no_such_category")
    first = writer.write([(good, parsed(good)), (unknown, parsed(unknown))], [], NOW)
    again = writer.write([(good, parsed(good))], [], NOW)
    assert (first.stored, first.rejected) == (1, {"report_refused": 1})
    assert (again.stored, again.duplicates) == (0, 1)
    with store.session() as session:
        report = session.scalars(select(CitizenReport)).one()
        assert report.external_id == "dalat-smart:r1"
        assert report.unit_code is not None and report.status == "received"
        assert report.onsite_due_at is not None
        assert session.scalar(select(func.count()).select_from(ReportContact)) == 1
        letter = session.scalars(select(DeadLetter)).one()
        assert letter.reason.startswith("report_refused")


def test_a_report_just_past_the_border_goes_to_the_nearest_unit(store: Store) -> None:
    seed(store)
    rules = ParseRules(inside=province_predicate(store, "68", NOW.date()))
    near_lon, near_lat = outside_the_province(3.0)
    far_lon, far_lat = outside_the_province(20.0)
    near = message("n1", lon=near_lon, lat=near_lat)
    far = parse_message(message("f1", lon=far_lon, lat=far_lat), rules)
    assert isinstance(far, Rejected) and far.reason == "outside_province"
    event = parse_message(near, rules)
    assert isinstance(event, CitizenReportEvent), event
    assert BatchWriter(store).write([(near, event)], [], NOW).stored == 1
    with store.session() as session:
        report = session.scalars(select(CitizenReport)).one()
        assert report.unit_code is not None and report.unit_nearest
