"""The demo pulls from its fake LGSP source (the roles python app.py starts), and the
``ioc connectors`` commands work end to end on the embedded store."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ioc.cli import main
from ioc.commands.start import ROLES, demo_roles
from ioc.config import Settings
from ioc.connectors import state
from ioc.geography.defaults import seed_default_units
from ioc.sim.lgsp import FakeLgspServer, start_demo_source
from ioc.store import Store, open_store
from ioc.store.migrate import upgrade
from ioc.store.models import Dossier
from ioc.timeutil import utcnow

SOURCE = "lgsp-motcua-demo"


@pytest.fixture
def demo_store(tmp_path: Path) -> Store:
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    seed_default_units(store)
    return store


def pulled(store: Store) -> int:
    with store.session() as session:
        query = select(func.count()).where(Dossier.dossier_id.like("LGSP-%"))
        return int(session.scalar(query) or 0)


def run_demo_roles(settings: Settings, store: Store, until: float = 30) -> None:
    """The demo's fake source and connectors roles, until their first poll has ended."""
    started = utcnow()
    stop = threading.Event()
    tasks = [ROLES[role](settings, store) for role in ("fake-lgsp", "connectors")]
    threads = [threading.Thread(target=t, args=(stop,), daemon=True) for t in tasks]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + until
    while time.monotonic() < deadline and not any(
        r.last_poll_at and r.last_poll_at > started for r in state.source_rows(store)
    ):
        time.sleep(0.1)
    stop.set()
    for thread in threads:
        thread.join(timeout=10)


def test_the_demo_pulls_dossiers_from_its_fake_lgsp_source(
    demo_store: Store, tmp_path: Path
) -> None:
    settings = Settings(var_dir=tmp_path, database={"url": str(demo_store.engine.url)})
    roles = demo_roles(settings, no_simulator=False)
    assert roles.index("fake-lgsp") < roles.index("connectors")
    assert "fake-lgsp" not in demo_roles(settings, no_simulator=True)
    run_demo_roles(settings, demo_store)
    [row] = state.source_rows(demo_store)
    assert row.name == SOURCE and row.last_error == "" and row.cursor
    first = pulled(demo_store)
    assert first > 0
    assert row.stored >= first  # a dossier's receipt and its finish are two records
    [letter] = state.dead_letters(demo_store, SOURCE, 10)
    assert letter.reason == "unknown unit '99999'"
    settings.connectors.sources_file = ""  # a restart of the demo: a new port and token
    run_demo_roles(settings, demo_store)
    [again] = state.source_rows(demo_store)
    assert again.last_poll_at != row.last_poll_at and again.last_error == ""
    assert (pulled(demo_store), again.stored, again.dead_lettered) == (first, row.stored, 1)


def test_the_cli_runs_once_and_shows_dead_letters(
    demo_store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = Settings(var_dir=tmp_path)
    server: FakeLgspServer = start_demo_source(settings, demo_store)
    try:
        monkeypatch.setenv("IOC_DATABASE__URL", str(demo_store.engine.url))
        monkeypatch.setenv("IOC_VAR_DIR", str(tmp_path))
        sources = settings.connectors.sources_file
        assert main(["connectors", "run", "--once", "--sources", sources]) == 0
        out, err = capsys.readouterr()
        assert f"{SOURCE}: page 1:" in err
        assert f"page(s), {len(server.records)} record(s): {len(server.records) - 1} stored" in out
        assert "1 dead-lettered" in out
        assert main(["connectors", "dead-letters", "--records"]) == 0
        out, _ = capsys.readouterr()
        assert "LGSP-KHONG-HOP-LE-1: unknown unit '99999'" in out and '"MaDonVi": "99999"' in out
        assert main(["connectors", "status"]) == 0
        out, _ = capsys.readouterr()
        assert f"{SOURCE}: cursor 20" in out and "dead-lettered 1" in out
        server.token = "rotated"
        assert main(["connectors", "run", "--once", "--quiet", "--sources", sources]) == 1
        out, _ = capsys.readouterr()
        assert "ERROR AuthError: HTTP 401" in out
    finally:
        server.stop()
