"""What pages read from the running app: the store, the settings and the shell's ids.

``create_app`` puts the store and the settings on the Flask server's config; callbacks run
inside a Flask request, so they reach both through ``flask.current_app`` (and tests push an
app context carrying a real store). No page ever imports a global app object.
"""

from __future__ import annotations

from typing import Any, Final

from flask import Flask, current_app, has_request_context, request

from ioc.config import Settings
from ioc.store import Store

STORE_KEY: Final = "IOC_STORE"
SETTINGS_KEY: Final = "IOC_SETTINGS"

# The shell's dcc.Store holding the interface language (persisted in localStorage).
LANG_STORE_ID: Final = "shell-lang"


def attach(server: Flask, settings: Settings, store: Store) -> None:
    """Put the settings and the store on a Flask server for the callbacks to find."""
    server.config[SETTINGS_KEY] = settings
    server.config[STORE_KEY] = store


def current_store() -> Store:
    """The store of the app handling the current request."""
    store = current_app.config[STORE_KEY]
    if not isinstance(store, Store):
        raise RuntimeError("no IOC store attached to this Flask app")
    return store


def current_settings() -> Settings:
    """The settings of the app handling the current request."""
    settings = current_app.config[SETTINGS_KEY]
    if not isinstance(settings, Settings):
        raise RuntimeError("no IOC settings attached to this Flask app")
    return settings


def aria_label(text: str) -> dict[str, Any]:
    """Keyword arguments giving an html component an ``aria-label``."""
    return {"aria-label": text}


def web_client() -> str:
    """Who sent the request, for audit rows: ``web <address> <user agent>``."""
    if not has_request_context():
        return "web"
    return f"web {request.remote_addr or '-'} {request.user_agent.string[:120]}"
