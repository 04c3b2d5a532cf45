"""Citizens rate closed reports: the Open311 extension (both backends) and the MQTT parser.

The standard GeoReport v2 paths answer as before; the rating lands on the report and in
the audit log, once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ioc.ingest.messages import Rejected, ReportRating
from ioc.ingest.parsers import ParseRules, parse_message
from ioc.mqtt.inbound import InboundMessage
from ioc.store import Store
from ioc.store.models import CitizenReport
from ioc.store.models_audit import AuditEntry
from ioc.timeutil import utcnow
from tests.reports_support import add_report, client, seed

V2 = "/open311/v2"


@pytest.fixture
def api(store: Store, tmp_path: Path) -> Any:
    seed(store)
    return client(store, tmp_path)


def rate(api: Any, report: int | str, rating: Any) -> Any:
    return api.post(f"{V2}/requests/{report}/rating.json", data={"rating": str(rating)})


def test_a_closed_report_is_rated_once(api: Any, store: Store) -> None:
    closed = add_report(store, "24778", utcnow() - timedelta(hours=5), "resolved")
    first = rate(api, closed, 4)
    assert first.status_code == 201, first.get_data(as_text=True)
    assert first.get_json() == [{"service_request_id": str(closed), "rating": 4}]
    assert rate(api, closed, 4).status_code == 200  # the same rating again: nothing changes
    assert rate(api, closed, 2).status_code == 409
    with store.session() as session:
        row = session.get(CitizenReport, closed)
        assert row is not None and row.rating == 4
        actions = session.scalars(select(AuditEntry.action)).all()
    assert list(actions).count("report.rated") == 1
    standard = api.get(f"{V2}/requests/{closed}.json")
    assert standard.status_code == 200 and standard.get_json()[0]["status"] == "closed"


def test_open_unknown_and_bad_ratings_are_refused(api: Any, store: Store) -> None:
    still_open = add_report(store, "24778", utcnow() - timedelta(hours=1))
    assert rate(api, still_open, 5).status_code == 409
    assert rate(api, 999999, 5).status_code == 404
    assert rate(api, "abc", 5).status_code == 404
    assert rate(api, still_open, 6).status_code == 400
    assert rate(api, still_open, "").status_code == 400
    with store.session() as session:
        row = session.get(CitizenReport, still_open)
        assert row is not None and row.rating is None


def test_mqtt_rating_parses_and_bad_ones_are_rejected() -> None:
    at = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
    topic = "ioc/v1/report/dalat-smart/rating"
    good = (
        b'{"v": 1, "msg_id": "r1", "ts": "2026-11-25T13:00:00+07:00", '
        b'"service_request_id": 7, "rating": 5}'
    )
    parsed = parse_message(InboundMessage(topic, good, at), ParseRules())
    assert isinstance(parsed, ReportRating) and (parsed.report_id, parsed.rating) == (7, 5)
    assert parsed.source == "dalat-smart"
    bad = good.replace(b'"rating": 5', b'"rating": 6')
    assert isinstance(parse_message(InboundMessage(topic, bad, at), ParseRules()), Rejected)
