"""The web role while its database is away (a throwaway PostgreSQL cluster of the test's
own, stopped and started again): /healthz stays 200, /readyz says 503 and names the
database, signed-in pages answer 503 with the pages' database message instead of a 500, and
all is well again once the database is back."""

from __future__ import annotations

from pathlib import Path

import pytest

from ioc.auth.user_roles import Role
from ioc.config import Settings
from ioc.i18n import t
from ioc.store import open_store
from ioc.store.migrate import upgrade
from ioc.web.app import create_app
from testkit.auth_support import signed_in_client
from tests.pg_cluster import PostgresCluster

pytestmark = pytest.mark.postgis


def test_pages_and_probes_during_a_database_outage(
    cluster: PostgresCluster, tmp_path: Path
) -> None:
    store = open_store(cluster.create_database("ioc"))
    upgrade(store)
    settings = Settings.model_validate({"var_dir": str(tmp_path), "auth": {"principal_cache_s": 0}})
    app = create_app(settings, store, start_background=False)
    client = signed_in_client(app.server, Role.ADMIN)
    assert client.get("/readyz").get_json() == {"status": "ready", "checks": {"database": "ok"}}
    assert client.get("/", headers={"Accept": "text/html"}).status_code == 200

    cluster.stop("immediate")
    assert app.server.test_client().get("/healthz").status_code == 200  # alive all the same
    ready = app.server.test_client().get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json() == {"status": "unavailable", "checks": {"database": "down"}}
    page = client.get("/system", headers={"Accept": "text/html"})
    assert page.status_code == 503 and page.headers["Retry-After"] == "10"
    assert t("common.db_unreachable", "vi").capitalize() in page.get_data(as_text=True)
    api = client.get("/metrics")
    assert api.status_code == 503 and api.get_json()["error"] == "503"

    cluster.start()
    assert client.get("/readyz").status_code == 200
    assert client.get("/system", headers={"Accept": "text/html"}).status_code == 200
    store.dispose()
