"""The demo's wall display survives a restart: the kiosk URL printed at the first start
still opens Đà Lạt's wall after the app is stopped and started again; revoked, it does not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ioc.auth import sessions
from ioc.auth.demo import issue_demo_kiosk
from ioc.config import Settings
from ioc.store import Store, open_store
from ioc.store.migrate import upgrade
from ioc.timeutil import utcnow
from ioc.web.app import create_app
from tests.e2e.conftest import WALL, LiveServer, watch
from tests.integration.test_demo_accounts import add_da_lat

pytestmark = pytest.mark.e2e


def start(tmp_path: Path, serve: Callable[[Any], LiveServer]) -> tuple[Store, LiveServer, str]:
    """One start of the demo's web part: open the store, get the kiosk path, serve."""
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    path = issue_demo_kiosk(store, tmp_path)
    assert path is not None
    settings = Settings(var_dir=tmp_path, web={"refresh_s": 1.0})
    return store, serve(create_app(settings, store).server), path


def opens_the_wall(browser: Any, url: str) -> tuple[int, str]:
    """(HTTP status of the kiosk URL, the path it ends on) in a fresh browser."""
    context = browser.new_context(viewport=WALL, locale="vi-VN")
    try:
        page = watch(context.new_page())
        response = page.page.goto(url)
        assert response is not None
        if response.status == 200:
            page.page.wait_for_selector("#wall-title", timeout=15_000)
        return response.status, page.page.url
    finally:
        context.close()


def test_the_kiosk_url_still_opens_the_wall_after_a_restart(
    tmp_path: Path, serve: Callable[[Any], LiveServer], browser: Any
) -> None:
    seed = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(seed)
    add_da_lat(seed)
    seed.dispose()
    store, live, path = start(tmp_path, serve)
    status, landed = opens_the_wall(browser, live.url + path)
    assert status == 200 and "/wall" in landed
    live.stop()
    store.dispose()

    store, again, second = start(tmp_path, serve)  # the restart
    assert second == path
    status, landed = opens_the_wall(browser, again.url + path)
    assert status == 200 and "/wall" in landed
    with store.session() as session:
        kiosk = sessions.find_kiosk(session, path.removeprefix("/kiosk/"), utcnow())
        assert kiosk is not None
        sessions.revoke_kiosk(session, kiosk.id, utcnow())
    assert opens_the_wall(browser, again.url + path)[0] == 404
    store.dispose()
