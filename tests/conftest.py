"""Shared fixtures: real stores on both backends, the real Mosquitto, the shared test data.

Services are found through ``IOC_TEST_DATABASE_URL`` (a PostgreSQL server with PostGIS;
default ``postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres``) and
``IOC_TEST_MQTT_HOST``/``IOC_TEST_MQTT_PORT`` (default 127.0.0.1:1883). When one is not
reachable its tests skip, unless ``IOC_TEST_REQUIRE_SERVICES=1`` (as in CI), where they fail.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from ioc import cache
from ioc.store import Store, open_store
from ioc.store.migrate import upgrade
from ioc.store.schema import metadata
from testkit.mosquitto_proc import MosquittoProcess
from tests.pg_cluster import PostgresCluster, cluster_missing

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
DEFAULT_PG = "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres"


def _require_services() -> bool:
    return os.environ.get("IOC_TEST_REQUIRE_SERVICES") == "1"


def unavailable(reason: str) -> None:
    """Skip, or fail when CI demands the real services."""
    if _require_services():
        pytest.fail(f"required service unavailable: {reason}")
    pytest.skip(reason)


def pg_server_url() -> str:
    return os.environ.get("IOC_TEST_DATABASE_URL", DEFAULT_PG)


def mqtt_address() -> tuple[str, int]:
    host = os.environ.get("IOC_TEST_MQTT_HOST", "127.0.0.1")
    return host, int(os.environ.get("IOC_TEST_MQTT_PORT", "1883"))


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def scratch_database(prefix: str, server: str | None = None) -> Iterator[URL]:
    """A new, empty PostgreSQL database ``<prefix>_<random>`` on ``server`` (the test
    server by default), dropped afterwards even if a process still holds it."""
    base = make_url(server or pg_server_url())
    if not port_open(base.host or "127.0.0.1", base.port or 5432):
        unavailable(f"PostgreSQL not reachable at {base.host}:{base.port}")
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(autouse=True)
def _empty_caches() -> None:
    """Every test starts with this process's caches empty (ioc.cache: the stores' tables are
    emptied or new, but a memory of them would outlive them)."""
    cache.invalidate_all()


@pytest.fixture(scope="session")
def postgis_url() -> Iterator[str]:
    """A fresh PostGIS database for this test session, dropped at the end."""
    with scratch_database("ioc_test") as url:
        yield url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _postgis_store(postgis_url: str) -> Iterator[Store]:
    store = open_store(postgis_url)
    upgrade(store)
    yield store
    store.dispose()


@pytest.fixture
def postgis_store(_postgis_store: Store) -> Iterator[Store]:
    """The session's PostGIS store, emptied before each test."""
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with _postgis_store.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    cache.changed("units")  # scopes and maps are cached per database, just emptied
    yield _postgis_store


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    """A fresh embedded store in a temporary file."""
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    yield store
    store.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgis", marks=pytest.mark.postgis)])
def store(request: pytest.FixtureRequest) -> Store:
    """The same test on both backends: embedded SQLite and real PostGIS."""
    return request.getfixturevalue(f"{request.param}_store")  # type: ignore[no-any-return]


@pytest.fixture
def mosquitto() -> tuple[str, int]:
    """Address of the real Mosquitto broker."""
    host, port = mqtt_address()
    if not port_open(host, port):
        unavailable(f"Mosquitto not reachable at {host}:{port}")
    return host, port


@pytest.fixture
def shared_data() -> Path:
    """The read-only real test data beside the project (skips when absent)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared test data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def own_mosquitto(tmp_path: Path) -> Iterator[MosquittoProcess]:
    """A Mosquitto of this test's own (free port, production queue settings)."""
    broker = MosquittoProcess(tmp_path)
    if not broker.available:
        unavailable("mosquitto binary not installed")
    broker.start()
    yield broker
    broker.stop()


@pytest.fixture
def cluster() -> Iterator[PostgresCluster]:
    """A throwaway PostgreSQL cluster of the test's own, which it may stop and start (never
    the machine's shared server); removed afterwards."""
    missing = cluster_missing()
    if missing:
        unavailable(missing)
    cluster = PostgresCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()
