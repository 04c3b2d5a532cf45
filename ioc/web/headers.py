"""Security headers on every response, and a Content-Security-Policy the Dash app runs under.

Scripts come only from this server, plus Dash's inline scripts (the renderer's start and
the clientside callbacks), each allowed by its SHA-256 hash. Plotly injects style elements,
so styles may be inline; the map (MapLibre) runs its workers from ``blob:`` URLs. Pages,
callbacks and API answers are never stored by caches; Dash's scripts and the assets keep
their own caching; private files a route lets browsers keep are marked ``private``.
"""

from __future__ import annotations

import base64
import hashlib

import dash
from flask import Response, request

from ioc.app_context import current_settings
from ioc.auth import routes
from ioc.auth.routes import Need
from ioc.web.clients import is_https

CACHEABLE_PUBLIC = ("/assets/", "/_dash-component-suites/", "/open311/v2/media/")
FIXED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(self), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def script_hashes(app: dash.Dash) -> list[str]:
    """CSP hashes of Dash's inline scripts (the same as ``app.csp_hashes()``, no side effects)."""
    scripts = [*app._inline_scripts, app.renderer]
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
        for s in scripts
    ]


def policy(hashes: list[str]) -> str:
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "child-src": ["'self'", "blob:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def install(app: dash.Dash) -> None:
    """Add the headers to every response of ``app``'s server."""

    def add_headers(response: Response) -> Response:
        headers = response.headers
        for name, value in FIXED.items():
            headers.setdefault(name, value)
        html = response.mimetype == "text/html"
        headers["Content-Security-Policy"] = policy(script_hashes(app) if html else [])
        if is_https(request, current_settings().auth):
            headers["Strict-Transport-Security"] = "max-age=31536000"
        cache_control(response)
        return response

    app.server.after_request(add_headers)


def cache_control(response: Response) -> None:
    if request.path.startswith(CACHEABLE_PUBLIC):
        return
    control = response.cache_control
    if control.max_age and response.status_code in (200, 206, 304):
        if routes.find_rule(request.path)[0].need is not Need.PUBLIC:
            control.public = False
            control.private = True  # a signed-in user's file: their browser only, no proxy
        return
    response.headers["Cache-Control"] = "no-store"
    response.headers.pop("Expires", None)
