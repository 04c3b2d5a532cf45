"""With ``web.mbtiles`` set, the overview draws self-hosted tiles: served locally, no
request leaves the server, no console error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ioc.config import Settings
from ioc.store import open_store
from ioc.store.migrate import upgrade
from ioc.timeutil import utcnow
from ioc.web.app import create_app
from testkit.auth_support import signed_in_client
from testkit.overview_support import FILLED_JS, seed
from tests.e2e.conftest import LiveServer, WatchedPage
from tests.mbtiles_support import make_mbtiles

pytestmark = pytest.mark.e2e


def test_overview_uses_local_tiles(
    tmp_path: Path, serve: Callable[[Any], LiveServer], watched_page: WatchedPage
) -> None:
    tiles = tmp_path / "base.mbtiles"
    make_mbtiles(tiles)
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    seed(store, utcnow())
    settings = Settings(var_dir=tmp_path, web={"refresh_s": 1.0, "mbtiles": str(tiles)})
    live = serve(create_app(settings, store).server)
    served: list[tuple[int, str]] = []
    watched_page.page.on(
        "response", lambda r: served.append((r.status, r.url)) if "/tiles/" in r.url else None
    )
    watched_page.sign_in(live)
    watched_page.page.goto(live.url + "/")
    watched_page.page.wait_for_function(FILLED_JS, timeout=15_000)
    watched_page.page.wait_for_timeout(1500)
    assert 200 in [s for s, _ in served], served[:8]
    assert watched_page.problems() == []
    client = signed_in_client(create_app(settings, store).server)
    assert client.get("/tiles/0/0/0").status_code == 204  # outside the file's coverage
    store.dispose()
