"""Signing in from tests: an account per role, and its session in a test client or a browser.

Accounts are real rows with a real argon2id hash (made once per test process) and sessions
are opened through :func:`ioc.auth.sessions.open_session`, exactly as ``/login`` does, so a
signed-in test client or Chromium context passes the same gate as a person would. Use:

* ``signed_in_client(server, Role.LEADER)``: a Flask test client of ``server`` (an app's
  ``.server``) with the session and CSRF cookies set; POST callbacks with
  ``headers=csrf_headers(client)``.
* ``sign_in_browser(context, live_url, store, Role.ADMIN)``: the same cookies in a
  Playwright browser context for a live server.
* ``add_account(store, Role.OPERATOR, "672")`` / ``open_user_session`` /
  ``open_kiosk_session`` when a test needs the pieces.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient

from ioc.app_context import STORE_KEY
from ioc.auth import sessions
from ioc.auth.accounts import find_user
from ioc.auth.passwords import hash_password
from ioc.auth.user_roles import Role, check_unit_for_role
from ioc.cache import changed as caches_changed
from ioc.store import Store
from ioc.store.models_auth import User
from ioc.timeutil import utcnow
from ioc.web.cookies import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE

PASSWORD = "mật-khẩu-thử-nghiệm"


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


@dataclass(frozen=True)
class SignedIn:
    """A live session: its cookie token and the CSRF token callbacks must send back."""

    username: str
    token: str
    csrf_token: str

    def cookies(self) -> dict[str, str]:
        return {SESSION_COOKIE: self.token, CSRF_COOKIE: self.csrf_token}

    def headers(self) -> dict[str, str]:
        return {CSRF_HEADER: self.csrf_token}


def default_name(role: Role, unit: str | None) -> str:
    return f"{role.value}.{unit}".lower() if unit else f"test.{role.value}"


def add_account(
    store: Store, role: Role = Role.ADMIN, unit: str | None = None, username: str | None = None
) -> str:
    """An active account of ``role`` (bound to ``unit``); returns its user name.

    The unit need not exist in the store (page tests use made-up units); an existing name
    is reused.
    """
    check_unit_for_role(role, unit)
    name = username or default_name(role, unit)
    with store.session() as session:
        if find_user(session, name) is None:
            session.add(
                User(
                    username=name,
                    display_name=name,
                    password_hash=password_hash(),
                    role=role.value,
                    unit_code=unit,
                    active=True,
                    created_at=utcnow(),
                )
            )
    return name


def open_user_session(store: Store, username: str) -> SignedIn:
    with store.session() as session:
        user = find_user(session, username)
        assert user is not None, f"no account {username}"
        token, row = sessions.open_session(session, utcnow(), user=user, client="test")
        return SignedIn(username, token, row.csrf_token)


def open_kiosk_session(store: Store, unit: str | None, label: str = "Màn hình thử") -> SignedIn:
    with store.session() as session:
        _token, kiosk = sessions.issue_kiosk_token(session, label, unit, utcnow())
        token, row = sessions.open_session(session, utcnow(), kiosk=kiosk, client="test")
        return SignedIn(f"kiosk:{label}", token, row.csrf_token)


def sign_in(store: Store, role: Role = Role.ADMIN, unit: str | None = None) -> SignedIn:
    """An account of ``role`` (made if missing) and a new session of it.

    Unit scopes are cached per database for minutes; tests that (re)seed units under the
    same database URL (PostGIS is emptied between tests) start from a clean cache here.
    """
    caches_changed("units")
    if role is Role.KIOSK:
        return open_kiosk_session(store, unit)
    return open_user_session(store, add_account(store, role, unit))


def store_of(server: Flask) -> Store:
    store = server.config[STORE_KEY]
    assert isinstance(store, Store)
    return store


def put_cookies(client: FlaskClient, signed: SignedIn) -> FlaskClient:
    for name, value in signed.cookies().items():
        client.set_cookie(name, value)
    return client


def signed_in_client(
    server: Flask, role: Role = Role.ADMIN, unit: str | None = None
) -> FlaskClient:
    """A test client of ``server`` signed in as a new session of ``role``."""
    return put_cookies(server.test_client(), sign_in(store_of(server), role, unit))


def csrf_headers(client: FlaskClient) -> dict[str, str]:
    """The header Dash's renderer would send: the CSRF cookie's value as X-CSRFToken."""
    cookie = client.get_cookie(CSRF_COOKIE)
    return {CSRF_HEADER: cookie.value if cookie is not None else ""}


def browser_cookies(base_url: str, signed: SignedIn) -> Any:  # Playwright SetCookieParam list
    host = urlsplit(base_url).hostname or "127.0.0.1"
    return [
        {
            "name": SESSION_COOKIE,
            "value": signed.token,
            "domain": host,
            "path": "/",
            "httpOnly": True,
            "sameSite": "Lax",
        },
        {
            "name": CSRF_COOKIE,
            "value": signed.csrf_token,
            "domain": host,
            "path": "/",
            "httpOnly": False,
            "sameSite": "Strict",
        },
    ]


def sign_in_browser(
    context: Any, base_url: str, store: Store, role: Role = Role.ADMIN, unit: str | None = None
) -> SignedIn:
    """Sign a Playwright browser context in to the live server at ``base_url``."""
    signed = sign_in(store, role, unit)
    context.add_cookies(browser_cookies(base_url, signed))
    return signed


def callback_body(
    app: Any, output: str, values: dict[str, Any] | None = None, changed: list[str] | None = None
) -> dict[str, Any]:
    """The JSON Dash's renderer posts to run the callback whose output key is ``output``.

    ``values`` gives input/state values by component id (missing: None); a pattern-matching
    (ALL) input, by its pattern id as in the callback's spec, gets a list of ``(component id,
    value)`` (missing: it matches no component). ``changed`` names the properties that
    triggered the call (default: the first input). Use ``output`` as in ``app.callback_map``.
    """
    spec = next(s for s in app._callback_list if s["output"] == output)
    given = values or {}

    def item(dep: dict[str, Any]) -> Any:
        if dep["id"].startswith("{"):
            matched = given.get(dep["id"], [])
            return [{"id": i, "property": dep["property"], "value": v} for i, v in matched]
        return {"id": dep["id"], "property": dep["property"], "value": given.get(dep["id"])}

    outputs = [
        {"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1].split("@")[0]}
        for part in output.strip(".").split("...")
    ]
    first = spec["inputs"][0]
    return {
        "output": output,
        "outputs": outputs if output.startswith("..") else outputs[0],
        "inputs": [item(dep) for dep in spec["inputs"]],
        "state": [item(dep) for dep in spec["state"]],
        "changedPropIds": changed or [f"{first['id']}.{first['property']}"],
    }


def router_body(path: str, search: str = "", lang: str = "vi") -> dict[str, Any]:
    """The JSON of Dash's page-router callback for a navigation to ``path`` + ``search``."""
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": search},
            {"id": "shell-lang", "property": "data", "value": lang},
        ],
        "state": [],
        "changedPropIds": ["_pages_location.pathname"],
    }
