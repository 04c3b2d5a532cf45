"""The dashboard under gunicorn: worker count from the CPUs, per-worker set-up after the fork,
and ``ioc serve --gunicorn`` running gunicorn's master in the ``ioc`` process itself.

The settings of gunicorn live in ``deploy/gunicorn.conf.py``, which reads the IOC's own
settings (``web.host``, ``web.port``, ``web.workers``, ``web.threads``,
``web.forwarded_allow_ips``), so the environment configures the web role like every other.
The app is preloaded in the master (one import, copy-on-write memory, a broken app fails
before any worker starts); :func:`after_fork` then gives each worker its own database
connections and background threads, which must never cross a ``fork()``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import Application
from gunicorn.util import import_app

from ioc.aggregates.refresher import start_in_background
from ioc.app_context import SETTINGS_KEY, STORE_KEY
from ioc.web.warmup import warm_server

MAX_AUTO_WORKERS = 8


def available_cpus() -> int:
    """CPUs this process may run on (a container's or a unit's CPU set, not the host's)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def default_workers(cpus: int | None = None) -> int:
    """Processes for ``web.workers = 0``: one per CPU plus one, between 2 and 8.

    Dash callbacks are CPU-bound Python (figures, queries' results), so more processes than
    CPUs only add memory (~250 MB each); threads (``web.threads``) cover waiting on the
    database. Two at least, so one slow callback never blocks the whole dashboard.
    """
    count = cpus if cpus is not None else available_cpus()
    return max(2, min(count + 1, MAX_AUTO_WORKERS))


def after_fork(app: Any) -> None:
    """In a new worker: drop the master's pooled connections, start background threads."""
    if not isinstance(app, Flask):
        return
    store = app.config.get(STORE_KEY)
    settings = app.config.get(SETTINGS_KEY)
    if store is None or settings is None:
        return
    store.engine.dispose(close=False)  # the master's sockets stay the master's
    if settings.aggregates.in_web:
        start_in_background(settings, store)  # takes turns with other processes (a DB lock)
    warm_server(app)  # its own first connection and pages, before it serves


class DashboardServer(Application):  # type: ignore[misc]
    """Gunicorn's master, configured only from a gunicorn config file (no command line)."""

    def __init__(self, config_file: Path) -> None:
        self.config_file = config_file
        super().__init__(usage=None, prog="ioc serve")

    def init(self, _parser: Any, _opts: Any, _args: Any) -> None:
        return None

    def load_config(self) -> None:
        if not self.config_file.is_file():
            raise RuntimeError(f"gunicorn config not found: {self.config_file}")
        self.load_config_from_file(str(self.config_file))
        if not self.cfg.wsgi_app:
            raise RuntimeError(f"{self.config_file} names no wsgi_app")

    def load(self) -> Any:
        return import_app(self.cfg.wsgi_app)
