"""The dashboard as a WSGI application for gunicorn: ``ioc serve --gunicorn``,
``gunicorn -c deploy/gunicorn.conf.py`` or ``gunicorn 'app:server'``. Settings come from the
environment like every other role."""

from __future__ import annotations

from flask import Flask

from ioc.config import load_settings
from ioc.store import open_store


def build_server(background: bool = True) -> Flask:
    """A Flask server with the Dash app mounted, on the configured store.

    ``background=False`` is for a gunicorn master that preloads the app and forks:
    :func:`ioc.web.serving.after_fork` then starts the background threads in each worker.
    """
    from ioc.web.app import create_app
    from ioc.web.warmup import warm_server

    settings = load_settings()
    store = open_store(settings.database_url, echo=settings.database.echo)
    server: Flask = create_app(settings, store, start_background=background).server
    if background:  # a worker of its own, not a master about to fork
        warm_server(server)
    return server
