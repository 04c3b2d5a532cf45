"""A serving process warms up before it serves: every page drawn once, nothing changed, and
a database that is away only gives a warning. Both backends."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from ioc import cache
from ioc.config import Settings
from ioc.pages import map_data
from ioc.store import Store, open_store
from ioc.store.models import Incident
from ioc.store.models_audit import AuditEntry
from ioc.web.app import create_app
from ioc.web.timing import install as install_timing
from ioc.web.warmup import warm_server
from tests.scope_support import seed_two_cities


def test_warm_up_draws_every_page_and_changes_nothing(
    store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    seed_two_cities(store, tmp_path)
    cache.invalidate_all()
    app = create_app(Settings(var_dir=tmp_path), store, start_background=False)
    with store.session() as session:
        before = [(i.id, i.status, i.updated_at) for i in session.scalars(select(Incident))]
    with caplog.at_level(logging.INFO, logger="ioc.web.warmup"):
        warm_server(app.server)
    assert "web process warmed up" in caplog.text and "not reachable" not in caplog.text
    assert len(map_data._AREAS), "the boundaries were not decoded for the first pages"
    with store.session() as session:
        after = [(i.id, i.status, i.updated_at) for i in session.scalars(select(Incident))]
        audited = session.scalar(select(func.count()).select_from(AuditEntry))
    assert after == before and audited == 0  # read-only, and not a sign-in


def test_warm_up_with_the_database_away_only_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    away = open_store("postgresql+psycopg://postgres@127.0.0.1:9/nothing?connect_timeout=2")
    app = create_app(Settings(var_dir=tmp_path), away, start_background=False)
    with caplog.at_level(logging.WARNING, logger="ioc.web.warmup"):
        warm_server(app.server)  # does not raise: the pages say the store is away themselves
    assert "store not reachable at start (OperationalError)" in caplog.text
    assert app.server.test_client().get("/healthz").status_code == 200
    away.dispose()


def test_every_answer_says_how_long_the_server_took() -> None:
    server = Flask("timing")
    install_timing(server)
    server.add_url_rule("/x", "x", lambda: "ok")
    header = server.test_client().get("/x").headers["Server-Timing"]
    parts = dict(part.strip().split(";dur=") for part in header.split(","))
    assert set(parts) == {"app", "cpu"}
    # milliseconds, one decimal: a trivial answer can take under 0.05 ms and read 0.0
    assert float(parts["cpu"]) >= 0 and 0 <= float(parts["app"]) < 5_000
