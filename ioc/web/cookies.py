"""The sign-in cookies: the session token (HttpOnly) and the CSRF token Dash sends back.

``ioc_session`` carries the session token: HttpOnly (no script can read it), SameSite=Lax
(sent when a link from elsewhere is followed, never on a cross-site POST or fetch), Secure
over HTTPS. ``_csrf_token`` is the name Dash's renderer reads: it copies the cookie into an
``X-CSRFToken`` header on every callback, and the gate compares that header with the
session's own token; it is readable by scripts on purpose and SameSite=Strict.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Request
from werkzeug.wrappers import Response as BaseResponse

from ioc.config.auth import AuthSettings
from ioc.web.clients import is_https

SESSION_COOKIE = "ioc_session"
CSRF_COOKIE = "_csrf_token"  # Dash's default csrf_token_name
CSRF_HEADER = "X-CSRFToken"  # Dash's default csrf_header_name
CSRF_FIELD = "csrf_token"  # hidden field of server-rendered forms
LOGIN_CSRF_COOKIE = "ioc_login_csrf"  # double-submit token of the sign-in form


def secure(request: Request, settings: AuthSettings) -> bool:
    if settings.cookie_secure == "auto":
        return is_https(request, settings)
    return settings.cookie_secure == "true"


def set_session(
    response: BaseResponse,
    *,
    request: Request,
    settings: AuthSettings,
    token: str,
    csrf_token: str,
    lifetime: timedelta,
) -> None:
    """Hand a new session to the browser."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(lifetime.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=secure(request, settings),
        path="/",
    )
    set_csrf(response, request=request, settings=settings, csrf_token=csrf_token, lifetime=lifetime)


def set_csrf(
    response: BaseResponse,
    *,
    request: Request,
    settings: AuthSettings,
    csrf_token: str,
    lifetime: timedelta,
) -> None:
    response.set_cookie(
        CSRF_COOKIE,
        csrf_token,
        max_age=int(lifetime.total_seconds()),
        httponly=False,  # Dash's renderer reads it to send X-CSRFToken
        samesite="Strict",
        secure=secure(request, settings),
        path="/",
    )


def clear_session(response: BaseResponse, request: Request, settings: AuthSettings) -> None:
    https = secure(request, settings)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=https, httponly=True, samesite="Lax")
    response.delete_cookie(CSRF_COOKIE, path="/", secure=https, samesite="Strict")
