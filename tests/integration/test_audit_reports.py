"""Citizen reports in the audit log, on both backends: a new report from Open311, MQTT or
a CSV import, and the SLA check's overdue flag and escalation, each one ``report.*`` row
without personal data, with the chain still verifying."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from ioc.audit import log as audit_log
from ioc.ingest.writer import BatchWriter
from ioc.reports.csv_import import import_csv
from ioc.reports.intake import ReportIn, create_reports
from ioc.reports.sla import check_overdue
from ioc.store import Store
from ioc.store.models import CitizenReport
from ioc.store.models_audit import AuditEntry
from tests.integration.test_ingest_reports import NOW as MQTT_NOW
from tests.integration.test_ingest_reports import message, parsed
from tests.integration.test_reports_open311 import CONTACT, post
from tests.reports_support import HO_XUAN_HUONG, client, seed

PRIVATE = (*CONTACT.values(), "Lan", "0912345678", "Lấn chiếm vỉa hè", "Rác tồn đọng")


def audit_rows(store: Store, action: str) -> list[AuditEntry]:
    with store.session() as session:
        verdict = audit_log.verify(session)
        assert verdict.ok, verdict
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )


def assert_no_personal_data(rows: Sequence[AuditEntry]) -> None:
    for row in rows:
        text = " ".join(
            (row.actor, row.target, row.client, json.dumps(row.detail, ensure_ascii=False))
        )
        for private in PRIVATE:
            assert private not in text, (private, text)


def test_open311_post_is_audited_as_created(store: Store, tmp_path: Path) -> None:
    seed(store)
    lon, lat = HO_XUAN_HUONG
    created = post(client(store, tmp_path), lat=str(lat), long=str(lon), **CONTACT)
    assert created.status_code == 201, created.get_data(as_text=True)
    report_id = created.get_json()[0]["service_request_id"]
    [row] = audit_rows(store, "report.created")
    assert (row.actor, row.target, row.unit_code) == ("open311", f"report:{report_id}", "24781")
    assert row.detail is not None and row.detail["category"] == "trat_tu_do_thi"
    assert row.detail["source"] == "open311"
    assert_no_personal_data([row])


def test_mqtt_batch_is_audited_once_per_new_report(store: Store) -> None:
    seed(store)
    writer = BatchWriter(store)
    one, two, bad = message("r1"), message("r2", lon=108.4390), message("r3", code="nope")
    batch = [(m, parsed(m)) for m in (one, two, bad)]
    assert writer.write(batch, [], MQTT_NOW).stored == 2
    assert writer.write(batch[:1], [], MQTT_NOW).duplicates == 1  # seen before: no new row
    rows = audit_rows(store, "report.created")
    with store.session() as session:
        ids = {r.external_id: r.id for r in session.scalars(select(CitizenReport))}
    assert [r.target for r in rows] == [
        f"report:{ids['dalat-smart:r1']}",
        f"report:{ids['dalat-smart:r2']}",
    ]
    assert {r.actor for r in rows} == {"mqtt:dalat-smart"}
    assert {r.client for r in rows} == {one.topic}
    assert all(r.unit_code == "24781" for r in rows)
    assert rows[0].detail is not None and rows[0].detail["external_id"] == "dalat-smart:r1"
    assert rows[1].id == rows[0].id + 1  # appended together, chained in order
    assert_no_personal_data(rows)


CSV = """\
id,service_code,created_at,lat,long,description,address,status,first_response_at,resolved_at,rating
H1,moi_truong,2026-03-01T08:00:00+07:00,11.9404,108.4419,Rác tồn đọng,Chợ Đà Lạt,resolved,2026-03-01T09:00:00+07:00,2026-03-01T12:00:00+07:00,5
H2,khac,2024-05-01 10:00,11.9404,108.4419,Ổ gà,Trần Phú,received,,,
"""  # noqa: E501


def test_csv_import_is_audited_per_report_in_bulk(store: Store, tmp_path: Path) -> None:
    seed(store)
    path = tmp_path / "history.csv"
    path.write_text(CSV, encoding="utf-8")
    with store.session() as session:  # a row before the import: the bulk rows chain onto it
        create_reports(session, store, [ReportIn("khac", *HO_XUAN_HUONG, external_id="x")])
    assert import_csv(store, path).imported == 2
    assert import_csv(store, path).skipped == 2  # a re-run adds no audit rows
    rows = audit_rows(store, "report.created")
    with store.session() as session:
        ids = {r.external_id: r.id for r in session.scalars(select(CitizenReport))}
    imported = [r for r in rows if r.actor == "import"]
    assert [(r.target, r.unit_code) for r in imported] == [
        (f"report:{ids['H1']}", "24781"),
        (f"report:{ids['H2']}", "672"),
    ]
    detail = imported[0].detail or {}
    assert detail.pop("agency").startswith("Phòng")
    assert detail == {
        "category": "moi_truong",
        "source": "import",
        "external_id": "H1",
        "status": "resolved",
    }
    assert_no_personal_data(rows)
    with store.session() as session:  # an append after the bulk rows still chains
        audit_log.append(session, "test.after", actor="t")
    assert len(audit_rows(store, "test.after")) == 1


def test_sla_check_audits_overdue_and_escalation(store: Store) -> None:
    seed(store)
    now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    with store.session() as session:
        [created] = create_reports(
            session, store, [ReportIn("trat_tu_do_thi", *HO_XUAN_HUONG, created_at=now)], now=now
        )
    with store.session() as session:
        check_overdue(session, now + timedelta(hours=3))
    with store.session() as session:
        check_overdue(session, now + timedelta(hours=4))  # nothing new: no new rows
    overdue = audit_rows(store, "report.overdue")
    escalated = audit_rows(store, "report.escalated")
    assert [(r.actor, r.target, r.unit_code) for r in overdue] == [
        ("sla-check", f"report:{created.id}", "24781")
    ]
    assert overdue[0].detail is not None and overdue[0].detail["result_due_at"]
    assert [(r.actor, r.target, r.detail) for r in escalated] == [
        ("sla-check", f"report:{created.id}", {"status": "received", "to": "68"})
    ]
