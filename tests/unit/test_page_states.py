"""Pages say what is going on: a loading sentence before the first data, and a plain error
(not an empty panel) when the database cannot be reached.

The store here is real but its database is a port nobody listens on: every read fails the
way it does when PostgreSQL is down. The callbacks are called as plain functions inside a
request context carrying an administrator (what the sign-in gate leaves there).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import dash
import pytest
from flask import Flask

from ioc.app_context import attach
from ioc.auth.current import set_principal
from ioc.auth.principal import Principal
from ioc.auth.user_roles import Role
from ioc.config import Settings
from ioc.i18n import t
from ioc.pages import field, kpi, leader, reports, system
from ioc.store import Store, open_store

ADMIN = Principal("admin", Role.ADMIN, user_id=1)
LOADING = t("common.loading", "vi")
UNREACHABLE = t("common.db_unreachable", "vi")


def closed_port() -> int:
    """A local port that was free a moment ago: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def down() -> Iterator[Store]:
    """A PostgreSQL store whose server is not running, in an administrator's request."""
    store = open_store(f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/ioc")
    server = Flask("db-down")
    attach(server, Settings(), store)
    with server.test_request_context("/"):
        set_principal(ADMIN)
        yield store
    store.dispose()


def texts(component: Any) -> list[str]:
    """Every string in a Dash component tree, depth first."""
    if isinstance(component, str):
        return [component]
    if isinstance(component, list | tuple):
        return [text for child in component for text in texts(child)]
    children = getattr(component, "children", None)
    return texts(children) if children is not None else []


def error_of(component: Any) -> str:
    """The text of a panel's error, which must be an alert, not an empty box."""
    assert getattr(component, "className", "") == "ioc-error", component
    assert getattr(component, "role", "") == "alert"
    return "".join(texts(component))


@pytest.mark.parametrize("page", [kpi, reports, field, system])
def test_a_page_says_it_is_loading_before_its_first_data(down: Store, page: Any) -> None:
    assert LOADING in texts(page.layout("vi"))  # the skeleton reads nothing from the store


def test_kpi_says_the_database_is_unreachable_and_to_reload(down: Store) -> None:
    answer = kpi.refresh(None, None, None, "vi")
    text = error_of(answer.pop("cards"))
    assert UNREACHABLE in text and "tải lại trang" in text  # /kpi does not poll
    assert all(value is dash.no_update for value in answer.values())  # what was shown stays


def test_reports_says_the_database_is_unreachable_in_its_table(down: Store) -> None:
    answer = reports.refresh(None, None, None, None, 0, "vi")
    assert UNREACHABLE in error_of(answer["table"]) and "tự thử lại" in error_of(answer["table"])


def test_field_says_so_and_rebuilds_the_list_once_the_database_is_back(down: Store) -> None:
    answer = field.refresh(None, 0, "", "vi#admin#1", "vi")
    assert UNREACHABLE in error_of(answer["list"])
    assert answer["version"] == ""  # the next read that succeeds replaces the error


def test_system_says_so_instead_of_old_counters(down: Store) -> None:
    answer = system.refresh(None, "en")
    assert t("common.db_unreachable", "en") in error_of(answer["workers"])
    assert (answer["cameras"], answer["rejects"], answer["connectors"]) == (None, None, None)


def test_leader_says_so_in_its_table_and_keeps_the_chart(down: Store) -> None:
    answer = leader.refresh("month", "total", None, "vi")
    table = answer.pop("table")
    assert UNREACHABLE in error_of(table) and "tự thử lại" in error_of(table)
    assert all(value is dash.no_update for value in answer.values())
