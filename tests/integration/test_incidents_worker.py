"""The incidents worker on both store backends, with a frozen clock and a real webhook
receiver: grouping, lifecycle and audit trail, escalation, sensor rules, reports."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import shapely
from sqlalchemy import func, select, text

from ioc.audit import log as audit_log
from ioc.file_links import FileLinks
from ioc.incidents.actions import apply_action
from ioc.incidents.alerts import Outbox, queue_outbox
from ioc.incidents.audit import history
from ioc.incidents.queries import false_alarm_report
from ioc.incidents.worker import IncidentWorker
from ioc.notify.subscriptions import SubscriptionSpec, add_subscription
from ioc.notify.webhook import verify
from ioc.store import Store
from ioc.store.models import CitizenReport, Incident, SensorReading
from ioc.store.models_audit import AuditEntry
from ioc.store.models_incidents import NotificationDelivery
from testkit.helpers import wait_for
from tests.incidents_support import (
    T0,
    HttpReceiver,
    add_detection,
    add_watch_cameras,
    http_receiver,
    incident_settings,
)


class FrozenClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    with http_receiver() as rec:
        yield rec


@pytest.fixture
def worker(store: Store, tmp_path: Path, receiver: HttpReceiver) -> Iterator[IncidentWorker]:
    add_watch_cameras(store)
    settings = incident_settings(
        tmp_path, webhook_url=receiver.url, escalation_minutes={"high": 5, "critical": 2}
    )
    with store.session() as session:
        for level in (0, 1, 2):
            add_subscription(session, SubscriptionSpec("webhook", unit_code="*", level=level))
    worker = IncidentWorker(settings, store, clock=FrozenClock(T0), from_start=True)
    worker.start()
    yield worker
    worker.dispatcher.close()


def incidents(store: Store) -> list[Incident]:
    with store.session() as session:
        return list(session.scalars(select(Incident).order_by(Incident.id)))


def test_one_plume_is_one_incident_and_one_alert(
    store: Store, worker: IncidentWorker, receiver: HttpReceiver
) -> None:
    for i in range(30):
        add_detection(
            store,
            "CAM-A",
            T0 + timedelta(seconds=20 * i),
            bbox=[0.4 + (i % 3) * 0.01, 0.3, 0.1, 0.1],
        )
    add_detection(
        store, "CAM-A", T0 + timedelta(minutes=3), bbox=[0.85, 0.8, 0.1, 0.1]
    )  # other region
    worker.step(escalate=False)
    found = incidents(store)
    assert [i.member_count for i in found] == [30, 1]
    assert found[0].unit_code == "U1" and found[0].severity == "high"
    assert wait_for(lambda: len(receiver.requests) == 2, timeout=5)
    first = receiver.requests[0]
    assert verify("s3cret", first.body, first.headers["X-IOC-Signature"])
    body = receiver.json_bodies()[0]
    assert body["geo_uri"].startswith("geo:11.9") and "openstreetmap.org" in body["map_url"]
    assert "Phát hiện khói" in body["text"] and "/field?unit=U1" in body["ack_url"]


def test_a_worker_with_a_link_key_signs_the_snapshot_link(
    store: Store, tmp_path: Path, receiver: HttpReceiver
) -> None:
    add_watch_cameras(store)
    settings = incident_settings(tmp_path, webhook_url=receiver.url)
    settings.auth.link_secret_file = str(tmp_path / "link_secret")
    (tmp_path / "link_secret").write_text("worker-link-key-0123456789\n", encoding="utf-8")
    with store.session() as session:
        add_subscription(session, SubscriptionSpec("webhook", unit_code="*", level=0))
    worker = IncidentWorker(settings, store, clock=FrozenClock(T0), from_start=True)
    worker.start()
    try:
        add_detection(store, "CAM-A", T0, snapshot="snapshots/CAM-A/x.jpg")
        worker.step(escalate=False)
        assert wait_for(lambda: len(receiver.requests) == 1, timeout=5)
    finally:
        worker.dispatcher.close()
    parts = urlsplit(receiver.json_bodies()[0]["snapshot_url"])
    assert parts.netloc == "ioc.test" and parts.path == "/files/snapshots/CAM-A/x.jpg"
    web = FileLinks(b"worker-link-key-0123456789", 24 * 3600)  # the web role's own signer
    assert web.verify(parts.path, parts.query, time.time())  # wall clock, not the worker's


@pytest.mark.parametrize(
    ("public_url", "base"),
    [("", "http://127.0.0.1:8062"), ("https://ioc.lamdong.gov.vn/", "https://ioc.lamdong.gov.vn")],
)
def test_alert_links_start_at_the_public_url_or_the_served_address(
    store: Store, tmp_path: Path, receiver: HttpReceiver, public_url: str, base: str
) -> None:
    """With IOC_WEB__PORT=8062 the links still said http://127.0.0.1:8050 (issue #17)."""
    add_watch_cameras(store)
    settings = incident_settings(tmp_path, webhook_url=receiver.url, public_url="")
    settings.web.port, settings.web.public_url = 8062, public_url
    with store.session() as session:
        add_subscription(session, SubscriptionSpec("webhook", unit_code="*", level=0))
    worker = IncidentWorker(settings, store, clock=FrozenClock(T0), from_start=True)
    worker.start()
    try:
        add_detection(store, "CAM-A", T0, snapshot="snapshots/CAM-A/x.jpg")
        worker.step(escalate=False)
        assert wait_for(lambda: len(receiver.requests) == 1, timeout=5)
    finally:
        worker.dispatcher.close()
    body = receiver.json_bodies()[0]
    assert body["snapshot_url"] == f"{base}/files/snapshots/CAM-A/x.jpg"
    assert body["ack_url"].startswith(f"{base}/field?unit=U1&incident=")


def test_crossing_cameras_share_an_incident_located_where_cones_meet(
    store: Store, worker: IncidentWorker
) -> None:
    add_detection(store, "CAM-A", T0)
    add_detection(store, "CAM-B", T0 + timedelta(seconds=30), bbox=[0.7, 0.6, 0.1, 0.1])
    add_detection(store, "CAM-C", T0 + timedelta(seconds=40))
    worker.step(escalate=False)
    found = incidents(store)
    assert [i.camera_id for i in found] == ["CAM-A", "CAM-C"]
    assert found[0].member_count == 2
    assert found[0].lon is not None and 108.42 < found[0].lon < 108.45


def test_forest_report_under_the_cone_joins_the_smoke_incident(
    store: Store, worker: IncidentWorker
) -> None:
    add_detection(store, "CAM-A", T0)
    worker.step(escalate=False)
    with store.session() as session:
        for code, lon in (
            ("quan_ly_bao_ve_rung", 108.43),
            ("moi_truong", 108.43),
            ("quan_ly_bao_ve_rung", 108.2),
        ):
            session.add(
                CitizenReport(
                    service_code=code,
                    description="Có khói",
                    lon=lon,
                    lat=11.90,
                    geom=shapely.Point(lon, 11.90),
                    created_at=T0 + timedelta(minutes=2),
                    updated_at=T0 + timedelta(minutes=2),
                )
            )
    worker.step(escalate=False)
    assert incidents(store)[0].member_count == 2
    assert worker.counts["report_attached"] == 1


def test_pm25_rule_opens_one_incident_after_ten_minutes(
    store: Store, worker: IncidentWorker
) -> None:
    with store.session() as session:
        for minute in range(0, 14):
            session.add(
                SensorReading(
                    msg_id=uuid.uuid4().hex,
                    station_id="DL-AQ-01",
                    quantity="pm25_ugm3",
                    value=190.0,
                    unit="µg/m³",
                    lon=108.44,
                    lat=11.94,
                    observed_at=T0 + timedelta(minutes=minute),
                )
            )
    worker.step(escalate=False)
    found = [i for i in incidents(store) if i.kind == "air_quality"]
    assert len(found) == 1 and found[0].member_count == 4  # minutes 10..13


def test_lifecycle_and_audit_trail_tell_the_whole_story(
    store: Store, worker: IncidentWorker
) -> None:
    add_detection(store, "CAM-A", T0, snapshot="snapshots/CAM-A/x.jpg")
    worker.step(escalate=False)
    incident_id = incidents(store)[0].id
    steps = [
        ("acknowledge", "Nguyễn Văn A", None, "acknowledged"),
        ("dispatch", "Trưởng trạm", "Tổ kiểm lâm 3", "dispatched"),
        ("resolve", "Tổ kiểm lâm 3", None, "resolved"),
    ]
    with store.session() as session:
        for n, (action, actor, assignee, status) in enumerate(steps, 1):
            result = apply_action(
                session,
                incident_id,
                action,
                actor,
                f"bước {n}",
                "web 10.0.0.5 test",
                T0 + timedelta(minutes=n),
                assignee=assignee,
                photo="snapshots/field/1/p.jpg" if n == 3 else None,
            )
            assert result.ok and result.to_status == status
        refused = apply_action(
            session, incident_id, "acknowledge", "X", "", "mqtt", T0 + timedelta(minutes=9)
        )
        assert (refused.ok, refused.error) == (False, "not_allowed")
        missing = apply_action(session, 999, "acknowledge", "X", "", "mqtt", T0)
        assert missing.error == "unknown_incident"
    with store.session() as session:
        story = [(e.action, e.actor, e.to_status) for e in history(session, incident_id)]
        last = history(session, incident_id)[-1]
        assert last.photo == "snapshots/field/1/p.jpg" and last.client == "web 10.0.0.5 test"
    assert story == [
        ("opened", "system", "new"),
        ("acknowledge", "Nguyễn Văn A", "acknowledged"),
        ("dispatch", "Trưởng trạm", "dispatched"),
        ("resolve", "Tổ kiểm lâm 3", "resolved"),
    ]
    incident = incidents(store)[0]
    assert incident.assignee == "Tổ kiểm lâm 3" and incident.closed_at == T0 + timedelta(minutes=3)


def test_audit_trail_is_append_only_in_the_database(store: Store, worker: IncidentWorker) -> None:
    add_detection(store, "CAM-A", T0)
    worker.step(escalate=False)
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("UPDATE incident_events SET actor = 'someone else'"))
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("DELETE FROM incident_events"))


def test_escalation_by_the_worker_is_in_the_audit_log(store: Store, worker: IncidentWorker) -> None:
    clock = worker.clock
    assert isinstance(clock, FrozenClock)
    add_detection(store, "CAM-A", T0)
    worker.step(escalate=True)
    clock.now = T0 + timedelta(minutes=6)
    worker.step(escalate=True)
    with store.session() as session:
        incident_id = session.scalars(select(Incident.id)).one()
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "incident.escalated")
        ).all()
        assert audit_log.verify(session).ok
    assert [(r.actor, r.client, r.target, r.unit_code) for r in rows] == [
        ("system", "incidents-worker", f"incident:{incident_id}", "U1")
    ]
    assert rows[0].detail is not None and rows[0].detail["level"] == 1
    assert rows[0].at == T0 + timedelta(minutes=6)


def test_escalation_then_reminders_until_acknowledged(store: Store, worker: IncidentWorker) -> None:
    clock = worker.clock
    assert isinstance(clock, FrozenClock)
    add_detection(store, "CAM-A", T0)
    worker.step(escalate=True)
    for minutes in (4, 5, 10, 13, 15):
        clock.now = T0 + timedelta(minutes=minutes)
        worker.step(escalate=True)
    with store.session() as session:
        rows = session.execute(
            select(NotificationDelivery.level, NotificationDelivery.reason).order_by(
                NotificationDelivery.id
            )
        ).all()
        incident_id = incidents(store)[0].id
        apply_action(session, incident_id, "acknowledge", "A", "", "test", clock.now)
    assert [tuple(r) for r in rows] == [
        (0, "alert"),
        (1, "escalation"),
        (2, "escalation"),
        (0, "reminder"),
        (1, "reminder"),
        (2, "reminder"),
    ]
    clock.now = T0 + timedelta(minutes=60)
    worker.step(escalate=True)
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(NotificationDelivery)) == 6


def test_false_alarms_are_counted_per_camera_and_suppress_repeats(
    store: Store, worker: IncidentWorker
) -> None:
    add_detection(store, "CAM-A", T0)
    worker.step(escalate=False)
    with store.session() as session:
        apply_action(
            session,
            incidents(store)[0].id,
            "false_alarm",
            "A",
            "mây",
            "test",
            T0 + timedelta(minutes=1),
        )
    add_detection(store, "CAM-A", T0 + timedelta(minutes=2))
    worker.step(escalate=False)
    assert len(incidents(store)) == 1 and worker.counts["detection_suppress"] == 1
    with store.session() as session:
        report = false_alarm_report(session)
    assert [(r.camera_id, r.false_alarms, r.detections) for r in report] == [("CAM-A", 1, 2)]


def test_a_simulated_detection_opens_a_simulated_incident(
    store: Store, worker: IncidentWorker
) -> None:
    add_detection(store, "CAM-A", T0, simulated=True)
    add_detection(store, "CAM-A", T0 + timedelta(minutes=3), bbox=[0.85, 0.8, 0.1, 0.1])
    worker.step(escalate=False)
    assert [i.simulated for i in incidents(store)] == [True, False]


def test_the_worker_sends_a_dispatch_queued_by_a_page(
    store: Store, worker: IncidentWorker, receiver: HttpReceiver
) -> None:
    add_detection(store, "CAM-A", T0)
    worker.step(escalate=False)
    assert wait_for(lambda: len(receiver.requests) == 1, timeout=5)
    incident_id = incidents(store)[0].id
    with store.session() as session:  # what the incident desk does in the web process
        assert apply_action(
            session, incident_id, "dispatch", "operator.u1", "", "web", T0, assignee="canbo.a"
        ).ok
        outbox = Outbox()
        outbox.add(incident_id, 0, "dispatch")
        assert queue_outbox(session, outbox, "http://ioc.test")
    worker.step(escalate=False)
    assert wait_for(lambda: len(receiver.requests) == 2, timeout=5)
    notice = receiver.json_bodies()[1]
    assert notice["reason"] == "dispatch" and notice["assignee"] == "canbo.a"
    assert notice["subject"].startswith("ĐIỀU ĐỘNG") and "Giao cho: canbo.a" in notice["text"]
    worker.step(escalate=False)  # sent once, not again
    time.sleep(0.3)
    assert len(receiver.requests) == 2
