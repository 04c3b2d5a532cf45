"""Signing in from tests: the helpers live in ``bench/sessions.py`` (the benches sign in the
same way and must not import test modules)."""

from __future__ import annotations

from bench.sessions import (
    PASSWORD,
    SignedIn,
    add_account,
    browser_cookies,
    callback_body,
    csrf_headers,
    default_name,
    open_kiosk_session,
    open_user_session,
    password_hash,
    put_cookies,
    router_body,
    sign_in,
    sign_in_browser,
    signed_in_client,
    store_of,
)

__all__ = [
    "PASSWORD",
    "SignedIn",
    "add_account",
    "browser_cookies",
    "callback_body",
    "csrf_headers",
    "default_name",
    "open_kiosk_session",
    "open_user_session",
    "password_hash",
    "put_cookies",
    "router_body",
    "sign_in",
    "sign_in_browser",
    "signed_in_client",
    "store_of",
]
