"""The pull connector against a real local HTTP server (the fake LGSP source of ioc.sim),
on both backends: paging, a 500 then recovery, a timeout, dead letters, resuming from the
stored cursor without duplicates, the auth header from a secret file and a clear 401."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import shapely
import yaml
from alembic import command
from sqlalchemy import func, inspect, select

from ioc.config.connectors import ConnectorSettings
from ioc.connectors import state
from ioc.connectors.runner import SourcePoller, run_loop
from ioc.connectors.service import checked_sources
from ioc.kpi.dossiers import DossierIn
from ioc.sim.lgsp import FakeLgspServer, demo_sources, lgsp_record
from ioc.store import Store
from ioc.store.migrate import alembic_config, current_revision, head_revisions, upgrade
from ioc.store.models import Dossier
from ioc.store.models_connectors import ConnectorDeadLetter, ConnectorRecord
from ioc.store.units import UnitRecord, insert_units
from testkit.helpers import point

WARD = "24778"
START = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
TOKEN = "lgsp-test-token-1"
FAST = ConnectorSettings(timeout_s=0.5, retries=3, backoff_s=0.01, backoff_max_s=0.05)


def add_ward(store: Store) -> None:
    ward = shapely.MultiPolygon([point(108.44, 11.94).buffer(0.05)])
    with store.session() as session:
        insert_units(
            session,
            [UnitRecord(WARD, "Phường Xuân Hương - Đà Lạt", "commune", ward, date(2025, 7, 1))],
        )


def dossier_record(n: int, changed: datetime | None = None) -> dict[str, Any]:
    received = START + timedelta(hours=n)
    dossier = DossierIn(
        dossier_id=f"H39-{n:05d}",
        procedure_code="1.001193",
        procedure_name="Đăng ký khai sinh",
        procedure_level=4,
        unit_code=WARD,
        received_at=received,
        event_at=changed or received + timedelta(minutes=30),
        channel="online",
        due_at=received + timedelta(days=1),
        finished_at=received + timedelta(minutes=30),
        digitised=True,
    )
    return lgsp_record(dossier)


@pytest.fixture
def fake() -> Iterator[FakeLgspServer]:
    server = FakeLgspServer([dossier_record(n) for n in range(23)], TOKEN).start()
    yield server
    server.stop()


def sources_file(tmp_path: Path, url: str, token: str = TOKEN, size: int = 5) -> Path:
    token_file = tmp_path / "lgsp.token"
    token_file.write_text(token + "\n", encoding="utf-8")
    content = demo_sources(url, token_file)
    content["sources"][0]["paging"]["size"] = size
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return path


def poller(store: Store, path: Path, settings: ConnectorSettings = FAST) -> SourcePoller:
    [spec] = checked_sources(path)
    return SourcePoller(store, spec, settings)


def count(store: Store, column: Any) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count(column))) or 0)


def test_pages_are_followed_to_the_end(store: Store, fake: FakeLgspServer, tmp_path: Path) -> None:
    add_ward(store)
    result = poller(store, sources_file(tmp_path, fake.url)).poll()
    assert result.error == ""
    assert (result.pages, result.records, result.stored) == (5, 23, 23)
    assert count(store, Dossier.id) == 23
    assert [r["path"].count("page=") for r in fake.seen] == [1] * 5
    assert "page=5" in fake.seen[-1]["path"]
    assert state.stored_cursor(store, "lgsp-motcua-demo") == fake.records[-1]["NgayCapNhat"]


def test_a_500_is_retried_and_the_poll_recovers(
    store: Store, fake: FakeLgspServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    add_ward(store)
    fake.faults = [500, 503]
    with caplog.at_level(logging.WARNING):
        result = poller(store, sources_file(tmp_path, fake.url)).poll()
    assert result.error == ""
    assert result.stored == 23
    assert len(fake.seen) == 5 + 2
    retries = [r.getMessage() for r in caplog.records if "next try in" in r.getMessage()]
    assert len(retries) == 2 and "HTTP 500" in retries[0] and "HTTP 503" in retries[1]
    assert retries[0].startswith("connector lgsp-motcua-demo: try 1 failed (HTTP 500: http")


def test_a_source_down_past_the_retries_keeps_its_cursor(
    store: Store, fake: FakeLgspServer, tmp_path: Path
) -> None:
    add_ward(store)
    path = sources_file(tmp_path, fake.url)
    fake.faults = [500] * FAST.retries
    failed = poller(store, path).poll()
    assert "TransientError: HTTP 500" in failed.error
    assert count(store, Dossier.id) == 0
    assert state.stored_cursor(store, "lgsp-motcua-demo") is None
    [row] = state.source_rows(store)
    assert row.failures == 1 and "HTTP 500" in row.last_error
    assert poller(store, path).poll().stored == 23
    [row] = state.source_rows(store)
    assert row.failures == 0 and row.last_error == "" and row.last_ok_at is not None


def test_a_timeout_is_retried_then_reported(
    store: Store, fake: FakeLgspServer, tmp_path: Path
) -> None:
    add_ward(store)
    path = sources_file(tmp_path, fake.url, size=50)
    fake.faults = [1.5]  # the server sleeps longer than the client's 0.5 s timeout
    assert poller(store, path).poll().stored == 23
    fake.faults = [1.5, 1.5]
    once = FAST.model_copy(update={"retries": 2})
    result = poller(store, path, once).poll()
    assert "timeout after 0.5 s" in result.error


def test_bad_records_are_dead_lettered_with_their_reason(
    store: Store, fake: FakeLgspServer, tmp_path: Path
) -> None:
    add_ward(store)
    unknown_unit = {**dossier_record(30), "MaHoSo": "X-1", "MaDonVi": "99999"}
    bad_channel = {**dossier_record(31), "MaHoSo": "X-2", "KenhNop": 9}
    bad_level = {**dossier_record(32), "MaHoSo": "X-3", "MucDo": "cao"}
    no_id = {k: v for k, v in dossier_record(33).items() if k != "MaHoSo"}
    early = {**dossier_record(34), "MaHoSo": "X-5", "NgayKetThuc": "2020-01-01T00:00:00+00:00"}
    fake.records += [unknown_unit, bad_channel, bad_level, no_id, early]
    result = poller(store, sources_file(tmp_path, fake.url)).poll()
    assert (result.stored, result.dead_letters) == (23, 5)
    with store.session() as session:
        reasons = dict(
            session.execute(select(ConnectorDeadLetter.record_id, ConnectorDeadLetter.reason)).all()
        )
    assert reasons["X-1"] == "unknown unit '99999'"
    assert reasons["X-2"].startswith("channel: KenhNop=9 is not one of 1, 2, 3")
    assert reasons["X-3"].startswith("procedure_level:")
    assert reasons["X-5"] == "finished_at is before received_at"
    [no_id_reason] = [r for k, r in reasons.items() if k.startswith("sha1:")]
    assert no_id_reason == "no record id at 'MaHoSo'"
    again = poller(store, sources_file(tmp_path, fake.url)).poll()
    assert again.dead_letters == 0  # dead-lettered once, not at every poll
    assert count(store, ConnectorDeadLetter.id) == 5


def test_a_restart_resumes_from_the_cursor_without_duplicates(
    store: Store, fake: FakeLgspServer, tmp_path: Path
) -> None:
    add_ward(store)
    path = sources_file(tmp_path, fake.url)
    first = poller(store, path, FAST.model_copy(update={"max_pages": 2})).poll()
    assert (first.pages, first.stored) == (2, 10)
    cursor = state.stored_cursor(store, "lgsp-motcua-demo")
    assert cursor == fake.records[9]["NgayCapNhat"]
    fake.seen.clear()
    updated = dossier_record(3, changed=START + timedelta(days=20))
    updated["DanhGia"] = 5
    fake.records.append(updated)  # a later state of a dossier already taken in
    second = poller(store, path).poll()  # a new poller: what a restarted process has
    asked = parse_qs(urlsplit(fake.seen[0]["path"]).query)
    assert asked["tu_ngay"] == [cursor] and asked["page"] == ["1"]
    assert second.duplicates == 1  # the record at the cursor itself, seen again
    assert second.stored == 23 - 10 + 1
    assert count(store, Dossier.id) == 23
    assert count(store, ConnectorRecord.id) == 24
    with store.session() as session:
        rating = session.scalar(
            select(Dossier.rating).where(Dossier.dossier_id == "LGSP-H39-00003")
        )
    assert rating == 5
    third = poller(store, path).poll()
    assert (third.stored, third.duplicates) == (0, 1)


def test_the_token_comes_from_the_secret_file_and_a_401_is_clear(
    store: Store, fake: FakeLgspServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    add_ward(store)
    assert poller(store, sources_file(tmp_path, fake.url)).poll().error == ""
    assert {r["auth"] for r in fake.seen} == {f"Bearer {TOKEN}"}
    text = sources_file(tmp_path, fake.url).read_text(encoding="utf-8")
    assert TOKEN not in text  # the sources file names the file, never the secret
    wrong = sources_file(tmp_path, fake.url, token="expired-token")
    with caplog.at_level(logging.ERROR):
        result = poller(store, wrong).poll()
    assert result.error.startswith("AuthError: HTTP 401 (check the source's secret file)")
    assert len(fake.seen) == 5 + 1  # a 401 is not retried
    [line] = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert line.startswith("connector lgsp-motcua-demo: AuthError: HTTP 401")


def test_the_loop_stops_at_once_even_during_a_back_off(
    sqlite_store: Store, fake: FakeLgspServer, tmp_path: Path
) -> None:
    add_ward(sqlite_store)
    fake.faults = [500] * 10
    slow = FAST.model_copy(update={"backoff_s": 30.0, "backoff_max_s": 30.0})
    stop = threading.Event()
    loop = threading.Thread(
        target=run_loop,
        args=([poller(sqlite_store, sources_file(tmp_path, fake.url), slow)], stop, 300.0),
    )
    loop.start()
    deadline = time.monotonic() + 10
    while not fake.seen and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(fake.seen) == 1  # the first try failed; the next is 30 s away
    started = time.monotonic()
    stop.set()
    loop.join(timeout=5)
    assert not loop.is_alive() and time.monotonic() - started < 2
    [row] = state.source_rows(sqlite_store)
    assert "stopped while waiting to try again" in row.last_error
    assert state.stored_cursor(sqlite_store, "lgsp-motcua-demo") is None


def test_the_migration_goes_down_and_up_again(store: Store) -> None:
    config = alembic_config(store)
    try:
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0025_connectors-1")
        assert "0024_digital_board" in (current_revision(store) or "")
        assert not inspect(store.engine).has_table("connector_records")
    finally:
        upgrade(store)  # the session's PostGIS store is shared by later tests
    assert current_revision(store) == head_revisions(store)
    tables = set(inspect(store.engine).get_table_names())
    assert {"connector_sources", "connector_records", "connector_dead_letters"} <= tables
