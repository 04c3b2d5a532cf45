"""Overview pages in the same state share one build, and heartbeats that change nothing
shown send nothing (a control room's screens cost one build per change)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import dash
import pytest
from flask import Flask

from ioc.app_context import attach
from ioc.auth.current import set_principal
from ioc.auth.principal import Principal
from ioc.auth.user_roles import Role
from ioc.config import Settings
from ioc.pages import overview
from ioc.store import Store
from ioc.store.models import Camera
from testkit.helpers import sql_statements
from tests.unit.test_overview_callbacks import NOW, seed, touch


@pytest.fixture
def store(sqlite_store: Store) -> Iterator[Store]:
    seed(sqlite_store)
    flask_app = Flask("test")
    attach(flask_app, Settings(), sqlite_store)
    with flask_app.test_request_context():
        set_principal(Principal("test.admin", Role.ADMIN))  # the overview is province-wide
        yield sqlite_store


def test_pages_in_the_same_state_share_one_build(store: Store) -> None:
    first = overview.refresh_at(NOW, None, "vi")
    with sql_statements(store) as sent:
        again = overview.refresh_at(NOW + timedelta(seconds=1), None, "vi")
    assert again["figure"] is first["figure"]  # the same figure, not built again
    assert again["updated"] != first["updated"]  # but its own "updated at" time
    assert not [s for s in sent if "FROM incidents" in s and "ORDER BY" in s]
    assert not [s for s in sent if "FROM admin_units" in s and "geom" in s]


def test_a_heartbeat_that_changes_nothing_shown_sends_nothing(store: Store) -> None:
    version = overview.refresh_at(NOW, None, "vi")["version"]
    with store.session() as session:
        touch(session.get(Camera, "cam-1"), heartbeat=NOW + timedelta(seconds=5))
    quiet = overview.refresh_at(NOW + timedelta(seconds=6), version, "vi")
    assert quiet["figure"] is dash.no_update and quiet["version"] is dash.no_update
    with store.session() as session:
        detected = NOW + timedelta(seconds=7)
        touch(session.get(Camera, "cam-1"), heartbeat=detected, detection=detected)
    alarm = overview.refresh_at(NOW + timedelta(seconds=8), version, "vi")
    assert (
        alarm["figure"] is not dash.no_update and alarm["alarm"] == 2
    )  # cam-1 joins cam-3 in alarm
