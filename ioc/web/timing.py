"""``Server-Timing`` on every dynamic answer: how long the server took, and how much of that
was this thread's own CPU (the rest: waiting for the database, a lock or a free core).

Browsers show it in their developer tools, and ``bench/dashboard.py`` reads it to tell a
slow callback from a starved one. It says nothing about the data or the user.
"""

from __future__ import annotations

import time

from flask import Flask, Response, g

_STARTED = "_ioc_timing"


def install(server: Flask) -> None:
    """Time every request of ``server`` (register it before the other hooks: it times them)."""

    def start() -> None:
        setattr(g, _STARTED, (time.perf_counter(), time.thread_time()))

    def stamp(response: Response) -> Response:
        started = getattr(g, _STARTED, None)
        if started is not None:
            wall = (time.perf_counter() - started[0]) * 1000
            cpu = (time.thread_time() - started[1]) * 1000
            response.headers["Server-Timing"] = f"app;dur={wall:.1f}, cpu;dur={cpu:.1f}"
        return response

    server.before_request(start)
    server.after_request(stamp)
