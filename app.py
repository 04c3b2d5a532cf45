"""``python app.py``: the whole IOC on embedded defaults (SQLite, in-process MQTT broker,
simulated province, dashboard on http://127.0.0.1:8050). Ctrl-C stops it.

For a WSGI server, ``app:server`` is the dashboard's Flask server, built on first access
from the settings (so importing this module has no side effects):
``gunicorn 'app:server'``.
"""

from __future__ import annotations

import sys
from typing import Any


def __getattr__(name: str) -> Any:
    if name == "server":
        from ioc.web.wsgi import build_server

        return build_server()
    raise AttributeError(name)


if __name__ == "__main__":
    from ioc.cli import main

    sys.exit(main(["run", *sys.argv[1:]]))
