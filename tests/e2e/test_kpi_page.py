"""The /kpi page in a real Chromium: renders the ranking, no console errors, period change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from ioc.config import Settings
from ioc.kpi.dossiers import upsert_dossiers
from ioc.kpi.periods import period_of
from ioc.store import open_store
from ioc.store.migrate import upgrade
from ioc.timeutil import to_local, utcnow
from ioc.web.app import create_app
from tests.e2e.conftest import LiveServer, WatchedPage
from tests.kpi_helpers import dossier, seed_units

pytestmark = pytest.mark.e2e


def test_kpi_page_ranks_units_and_changes_period(
    tmp_path: Path, serve: Callable[[Any], LiveServer], watched_page: WatchedPage
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    seed_units(store)
    this_month = period_of(to_local(utcnow()).date(), "month")
    start = this_month.bounds()[0] + timedelta(hours=2)
    before = this_month.previous().bounds()[0] + timedelta(hours=2)
    with store.session() as session:
        upsert_dossiers(
            session,
            [
                dossier(
                    "P1",
                    "24778",
                    start,
                    channel="online",
                    finished_at=start + timedelta(hours=1),
                    due_at=start + timedelta(days=1),
                ),
                dossier("P0", "24781", before, finished_at=before + timedelta(hours=1)),
            ],
            False,
        )
    live = serve(create_app(Settings(var_dir=tmp_path), store).server)
    watched_page.sign_in(live)
    page = watched_page.page
    page.goto(live.url + "/kpi")
    page.wait_for_selector("#kpi-ranking tr[data-unit='24778']", timeout=15_000)
    first = page.get_attribute("#kpi-ranking tbody tr >> nth=0", "data-unit")
    assert first == "24778"
    assert page.inner_text("#kpi-card-dossiers") == "1"
    page.locator("#kpi-period").click()
    page.locator(
        ".Select-menu-outer, [role=option]", has_text=str(this_month.previous())
    ).first.click()
    page.wait_for_function(
        "() => document.querySelector('#kpi-ranking tbody tr').dataset.unit === '24781'",
        timeout=10_000,
    )
    page.locator("#kpi-ranking button", has_text="Phường Lâm Viên").click()
    page.wait_for_selector("#kpi-report-link", timeout=10_000)
    assert watched_page.problems() == []
    store.dispose()
