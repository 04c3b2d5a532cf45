"""``/login``, ``/logout`` and ``/kiosk/<token>``: signing in and out of the dashboard.

The sign-in form is protected by a double-submit token (a random value in an HttpOnly,
SameSite=Strict cookie and in the form), because no session exists yet. A successful
sign-in always makes a new session token: a cookie sent before signing in is never honoured
afterwards (session fixation). ``/logout`` is a POST carrying the session's CSRF token.
"""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from ioc.app_context import current_settings, current_store
from ioc.auth import sessions
from ioc.auth.signin import Result, SignIn, kiosk_sign_in, sign_in, sign_out
from ioc.config.auth import AuthSettings
from ioc.i18n import t
from ioc.timeutil import utcnow
from ioc.web import cookies
from ioc.web.clients import client_of
from ioc.web.gate import csrf_ok, error_json, language, principal_cache
from ioc.web.plain_pages import login_page, logout_page_html, message_page

login = Blueprint("ioc_login", __name__)
FORM_LIFETIME = timedelta(hours=1)
FORM_FIELDS_MAX = 200
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def safe_next(value: str | None) -> str:
    """A local path to go to after signing in; anything else (other sites...) becomes ``/``."""
    text = (value or "").strip()
    if not text.startswith("/") or text.startswith("//") or "\\" in text:
        return "/"
    if any(ord(c) < 32 for c in text):
        return "/"
    parts = urlsplit(text)
    if parts.scheme or parts.netloc or parts.path in ("/login", "/logout"):
        return "/"
    return text


def _form(
    lang: str, next_path: str, *, status: int = 200, error: str = "", user: str = ""
) -> Response:
    kept = request.cookies.get(cookies.LOGIN_CSRF_COOKIE, "")
    # One token per browser while it is fresh: a second tab (or a stray request sent here)
    # must not make the form already on screen stale.
    token = kept if TOKEN.fullmatch(kept) else secrets.token_urlsafe(32)
    html = login_page(lang, csrf_token=token, next_path=next_path, username=user, error=error)
    response = Response(html, status=status, mimetype="text/html")
    auth = current_settings().auth
    response.set_cookie(
        cookies.LOGIN_CSRF_COOKIE,
        token,
        max_age=int(FORM_LIFETIME.total_seconds()),
        httponly=True,
        samesite="Strict",
        secure=cookies.secure(request, auth),
        path="/login",
    )
    return response


@login.get("/login")
def login_form() -> Response:
    return _form(language(), safe_next(request.args.get("next")))


@login.post("/login")
def login_submit() -> BaseResponse:
    lang = language()
    next_path = safe_next(request.form.get("next"))
    username = request.form.get("username", "")[:FORM_FIELDS_MAX]
    password = request.form.get("password", "")[: FORM_FIELDS_MAX * 5]
    sent = request.form.get(cookies.CSRF_FIELD, "")
    kept = request.cookies.get(cookies.LOGIN_CSRF_COOKIE, "")
    if not sent or not hmac.compare_digest(sent.encode(), kept.encode()):
        return _form(
            lang, next_path, status=400, error=t("auth.login.stale_form", lang), user=username
        )
    auth = current_settings().auth
    with current_store().session() as session:
        client = client_of(request, auth)
        result = sign_in(session, username, password, client, now=utcnow(), settings=auth)
    if result.result is Result.LIMITED:
        minutes = max(1, -(-result.retry_after // 60))
        limited = _form(
            lang, next_path, status=429, error=t("auth.login.limited", lang, minutes=minutes)
        )
        limited.headers["Retry-After"] = str(result.retry_after)
        return limited
    if not result.ok:
        # the form again with the error; 200, like any page a browser shows without complaint
        return _form(lang, next_path, error=t("auth.login.bad", lang), user=username)
    response = redirect(next_path, 303)
    response.delete_cookie(cookies.LOGIN_CSRF_COOKIE, path="/login")
    return _with_session(response, auth, result, auth.lifetimes().absolute)


def _close_previous_session() -> None:
    """A session the browser had before signing in again ends (it is never reused)."""
    old = request.cookies.get(cookies.SESSION_COOKIE)
    if old:
        principal_cache().forget(old)
        with current_store().session() as session:
            sessions.close_session(session, old)


@login.post("/logout")
def logout() -> BaseResponse:
    auth = current_settings().auth
    token = request.cookies.get(cookies.SESSION_COOKIE)
    now = utcnow()
    with current_store().session() as session:
        principal = sessions.resolve(session, token, now, auth.lifetimes())
        if principal is not None:
            if not csrf_ok(principal):
                return error_json(403, t("auth.csrf", language()), code="csrf")
            sign_out(session, token, principal, client_of(request, auth), now)
            principal_cache().forget(token)
    response = redirect("/login", 303)
    cookies.clear_session(response, request, auth)
    return response


@login.get("/logout")
def logout_page() -> BaseResponse:
    """Typed into the address bar: a page with the sign-out button (a GET changes nothing)."""
    lang = language()
    auth = current_settings().auth
    with current_store().session() as session:
        principal = sessions.resolve(
            session, request.cookies.get(cookies.SESSION_COOKIE), utcnow(), auth.lifetimes()
        )
    if principal is None:
        return redirect("/login", 303)
    html = logout_page_html(lang, principal.csrf_token)
    return Response(html, mimetype="text/html")


@login.get("/kiosk/<token>")
def kiosk(token: str) -> BaseResponse:
    """A wall display opens its kiosk URL: a read-only session for its unit's wall.

    A browser where a person is signed in keeps that session: a link to someone else's kiosk
    URL must not sign its reader out.
    """
    lang = language()
    auth = current_settings().auth
    with current_store().session() as session:
        current = sessions.resolve(
            session, request.cookies.get(cookies.SESSION_COOKIE), utcnow(), auth.lifetimes()
        )
        if current is not None and current.kiosk_id is None:
            text = t("auth.kiosk.signed_in", lang, name=current.name)
            html = message_page(lang, t("auth.login.title", lang), text)
            return Response(html, status=409, mimetype="text/html")
        result = kiosk_sign_in(session, token, client_of(request, auth), utcnow(), auth)
    if not result.ok or result.principal is None:
        html = message_page(lang, t("auth.forbidden.title", lang), t("auth.kiosk.unknown", lang))
        return Response(html, status=404, mimetype="text/html")
    unit = result.principal.unit_code
    response = redirect("/wall?" + urlencode({"unit": unit}) if unit else "/wall", 303)
    return _with_session(response, auth, result, auth.lifetimes().kiosk_absolute)


def _with_session(
    response: BaseResponse, auth: AuthSettings, result: SignIn, life: timedelta
) -> BaseResponse:
    """``response`` carrying the new session's cookies; any earlier session is closed."""
    _close_previous_session()
    cookies.set_session(
        response,
        request=request,
        settings=auth,
        token=result.token,
        csrf_token=result.csrf_token,
        lifetime=life,
    )
    return response
