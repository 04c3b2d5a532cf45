"""Signing in and out in a real Chromium, under the real Content-Security-Policy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete

from ioc.auth import sessions
from ioc.auth.user_roles import Role
from ioc.config import Settings
from ioc.store import Store, open_store
from ioc.store.migrate import upgrade
from ioc.store.models_auth import WebSession
from ioc.timeutil import utcnow
from ioc.web.app import create_app
from testkit.auth_support import PASSWORD, add_account
from testkit.overview_support import FILLED_JS, seed
from tests.e2e.conftest import LiveServer, WatchedPage

pytestmark = pytest.mark.e2e

# Violations of the Content-Security-Policy, as the page itself sees them.
CSP_WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@dataclass
class Site:
    store: Store
    live: LiveServer


@pytest.fixture
def site(tmp_path: Path, serve: Callable[[Any], LiveServer]) -> Any:
    store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    seed(store, utcnow())
    add_account(store, Role.ADMIN, username="admin")
    yield Site(store, serve(create_app(Settings(var_dir=tmp_path), store).server))
    store.dispose()


def test_sign_in_see_the_overview_and_sign_out(site: Site, watched_page: WatchedPage) -> None:
    watched_page.origin = site.live.url
    page = watched_page.page
    page.add_init_script(CSP_WATCH)
    page.goto(site.live.url + "/")
    assert page.url == site.live.url + "/login?next=/"
    assert page.inner_text("h1") == "Đăng nhập hệ thống"
    page.fill("#login-username", "admin")
    page.fill("#login-password", "sai-mật-khẩu-rồi")
    page.click("button[type=submit]")
    assert page.inner_text("[role=alert]") == "Sai tên đăng nhập hoặc mật khẩu."
    page.fill("#login-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(site.live.url + "/")
    page.wait_for_function(FILLED_JS, timeout=15_000)
    assert page.inner_text("#shell-user-name") == "admin"
    page.wait_for_timeout(1500)  # live refreshes, each a callback with the CSRF header
    assert page.evaluate("window.__csp") == []
    page.click("#shell-signout")
    page.wait_for_url(site.live.url + "/login")
    page.goto(site.live.url + "/leader")
    assert page.url.startswith(site.live.url + "/login?next=/leader")
    assert watched_page.problems() == []


def test_a_page_whose_session_ends_goes_to_sign_in(site: Site, watched_page: WatchedPage) -> None:
    watched_page.sign_in(site.live)
    page = watched_page.page
    page.goto(site.live.url + "/reports")
    page.wait_for_selector("#reports-table", timeout=15_000)
    with site.store.session() as session:
        session.execute(delete(WebSession))  # signed out from elsewhere
    page.wait_for_url(site.live.url + "/login?next=%2Freports", timeout=15_000)
    assert page.inner_text("h1") == "Đăng nhập hệ thống"


def test_english_sign_in_page(site: Site, watched_page: WatchedPage) -> None:
    page = watched_page.page
    page.goto(site.live.url + "/login")
    page.click("a[lang=en]")
    assert page.inner_text("h1") == "Sign in to the IOC"
    assert page.url.startswith(site.live.url + "/login?lang=en")


def test_kiosk_url_opens_the_wall_read_only(site: Site, watched_page: WatchedPage) -> None:
    with site.store.session() as session:
        token, _ = sessions.issue_kiosk_token(session, "Tường Lạc Dương", "W3", utcnow())
    watched_page.origin = site.live.url
    page = watched_page.page
    page.add_init_script(CSP_WATCH)
    page.goto(f"{site.live.url}/kiosk/{token}")
    page.wait_for_url(site.live.url + "/wall?unit=W3")
    page.wait_for_function(
        "() => (document.getElementById('wall-title') || {}).innerText === 'Xã Lạc Dương'",
        timeout=15_000,
    )
    assert page.is_hidden("#shell-user")  # a wall display has no one to sign out
    assert page.evaluate("window.__csp") == []
    assert watched_page.problems() == []
