"""The dashboard as a WSGI application for gunicorn: ``gunicorn 'ioc.web.wsgi:build_server()'``
or ``gunicorn app:server``. Settings come from the environment like every other role."""

from __future__ import annotations

from flask import Flask

from ioc.config import load_settings
from ioc.store import open_store


def build_server() -> Flask:
    """A Flask server with the Dash app mounted, on the configured store."""
    from ioc.web.app import create_app

    settings = load_settings()
    store = open_store(settings.database_url, echo=settings.database.echo)
    server: Flask = create_app(settings, store).server
    return server
