"""The scheme a TLS-terminating proxy reports: ``X-Forwarded-Proto: https`` from one of
``web.forwarded_allow_ips`` makes the request HTTPS (``wsgi.url_scheme``), as gunicorn does
with the same setting, so the built-in server of ``python app.py`` / ``ioc serve`` sets
Secure cookies, sends HSTS and builds ``https://`` URLs behind such a proxy too. From any
other peer the header is ignored (it is trivial to forge).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from ioc.config import IPNetwork

WsgiApp = Any  # a WSGI callable (Flask's wsgi_app)


def peer_allowed(address: str | None, networks: list[IPNetwork] | None) -> bool:
    """Whether a TCP peer is one of ``networks`` (None: every peer is)."""
    if networks is None:
        return True
    try:
        peer = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(peer in network for network in networks)


class ForwardedScheme:
    """WSGI middleware taking the scheme from an allowed proxy's ``X-Forwarded-Proto``."""

    def __init__(self, app: WsgiApp, networks: list[IPNetwork] | None) -> None:
        self.app = app
        self.networks = networks

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[0].strip().lower()
        if proto == "https" and peer_allowed(environ.get("REMOTE_ADDR"), self.networks):
            environ["wsgi.url_scheme"] = "https"
        result: Iterable[bytes] = self.app(environ, start_response)
        return result
