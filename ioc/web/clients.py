"""Who sent a request: its address, whether it came over HTTPS, and a line for the audit log.

Behind a reverse proxy the TCP peer is the proxy. Only when that peer is one of
``auth.trusted_proxies`` are its ``X-Forwarded-For`` and ``X-Forwarded-Proto`` believed;
from anyone else those headers are ignored (they are trivial to forge).
"""

from __future__ import annotations

import ipaddress

from flask import Request

from ioc.auth.signin import Client
from ioc.config.auth import AuthSettings


def from_trusted_proxy(request: Request, settings: AuthSettings) -> bool:
    """Whether the TCP peer of ``request`` is one of the configured trusted proxies."""
    networks = settings.proxy_networks()
    if not networks or not request.remote_addr:
        return False
    try:
        peer = ipaddress.ip_address(request.remote_addr)
    except ValueError:
        return False
    return any(peer in network for network in networks)


def client_address(request: Request, settings: AuthSettings) -> str:
    """The browser's address: the proxy's word for it when the proxy is trusted."""
    peer = request.remote_addr or "-"
    if not from_trusted_proxy(request, settings):
        return peer
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
    networks = settings.proxy_networks()
    for hop in reversed([part for part in forwarded if part]):  # nearest hop first
        try:
            address = ipaddress.ip_address(hop)
        except ValueError:
            return peer
        if not any(address in network for network in networks):
            return str(address)
    return peer


def is_https(request: Request, settings: AuthSettings) -> bool:
    if request.is_secure:
        return True
    proto = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return proto == "https" and from_trusted_proxy(request, settings)


def client_of(request: Request, settings: AuthSettings) -> Client:
    """The request's client for rate limits and the audit log."""
    address = client_address(request, settings)
    agent = request.user_agent.string[:120]
    return Client(address, f"web {address} {agent}".strip())
