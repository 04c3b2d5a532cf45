"""The sign-in gate in front of every route: who is asking, and may they?

Before each request the gate finds the rule of the path (:mod:`ioc.auth.routes`); public
routes pass untouched. For the rest it resolves the session cookie (one short transaction),
or a trusted proxy's single-sign-on header, puts the principal on ``flask.g`` for pages and
routes to read, checks the CSRF token of every state-changing request, and applies the
rule: nobody signed in → 302 to ``/login`` (pages) or 401 (everything else; a snapshot file
passes without a session only with a valid signed link of its exact path); signed in
without the right → 403; signed in, but this principal's page is elsewhere → 302 there.
Dash callbacks are decided by their outputs; the page router's target path is decided like
a page and left on ``flask.g`` for :mod:`ioc.web.page_guard`.
"""

from __future__ import annotations

import hmac
from datetime import timedelta
from urllib.parse import quote

import dash
from flask import Response, abort, current_app, g, jsonify, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from ioc.app_context import current_settings, current_store
from ioc.auth import routes, sessions
from ioc.auth.accounts import normalise_username
from ioc.auth.current import principal_or_none, set_principal
from ioc.auth.principal import Principal
from ioc.auth.principal_cache import PrincipalCache
from ioc.auth.routes import Decision, Kind, Need, Outcome
from ioc.auth.signin import header_sign_in
from ioc.config.auth import AuthSettings
from ioc.i18n import language_or_default, t
from ioc.timeutil import utcnow
from ioc.web import cookies
from ioc.web.clients import client_of, from_trusted_proxy
from ioc.web.files import signed_link_expiry
from ioc.web.plain_pages import message_page

CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CALLBACK_PATH = "/_dash-update-component"
DASH_PAGES_RULE = "/<path:path>"  # Dash serves every page (and any unknown path) here
PAGE_DECISION = "ioc_page_decision"  # flask.g: the router's target, decided like a page
NEW_SESSION = "ioc_new_session"  # flask.g: (token, csrf) of a session opened by SSO
CACHE_KEY = "IOC_PRINCIPALS"  # app config: this process's PrincipalCache


def install(app: dash.Dash, settings: AuthSettings) -> None:
    """Put the gate in front of every route of ``app``'s server (before Dash's own hooks)."""
    settings.file_links()  # a link key file that cannot be read, or too short a key: no start
    server = app.server
    server.config[CACHE_KEY] = PrincipalCache(settings.principal_cache_s)
    server.before_request_funcs.setdefault(None, []).insert(0, before_request)
    server.after_request(after_request)


def before_request() -> BaseResponse | None:
    rule, _parts = routes.find_rule(request.path)
    if rule.kind is Kind.API and served_as_page():
        abort(404)  # e.g. /files/snapshots//etc/passwd: no file route, never the app's page
    if rule.need is Need.PUBLIC:
        return None
    settings = current_settings()
    principal = resolve_principal()
    decision = routes.decide(
        principal,
        request.path,
        request_query(),
        province_code=settings.province_code,
        metrics_token_ok=rule.need is Need.METRICS and metrics_token_ok(settings.auth),
        file_link_ok=rule.need is Need.FILE and signed_link_expiry() is not None,
    )
    changing = request.method in CHANGING_METHODS
    if decision.allowed and principal is not None and changing and not csrf_ok(principal):
        return refuse_csrf()
    if decision.allowed and routes.normalise_path(request.path) == CALLBACK_PATH:
        decision = callback_decision(principal, settings.province_code)
    if decision.allowed:
        return None
    return answer(decision, rule.kind)


def served_as_page() -> bool:
    """Whether Flask routed this request to Dash's catch-all page route."""
    return request.url_rule is not None and request.url_rule.rule == DASH_PAGES_RULE


def request_query() -> dict[str, str]:
    raw = request.query_string.decode("utf-8", "replace")
    return routes.parse_query("?" + raw) if raw else {}


def resolve_principal() -> Principal | None:
    """The principal of this request (session cookie or trusted SSO header), set on ``g``."""
    auth = current_settings().auth
    token = request.cookies.get(cookies.SESSION_COOKIE)
    sso_name = trusted_user(auth)
    remembered = principal_cache().get(token)
    if remembered is not None and (
        sso_name is None or remembered.name == normalise_username(sso_name)
    ):
        set_principal(remembered)
        return remembered
    now = utcnow()
    with current_store().session() as session:
        principal = sessions.resolve(session, token, now, auth.lifetimes())
        if sso_name is not None and (
            principal is None
            or principal.kiosk_id is not None
            or principal.name != normalise_username(sso_name)
        ):
            result = header_sign_in(session, sso_name, client_of(request, auth), now, auth)
            if result.ok and principal is not None:  # another user now: end the old session
                sessions.close_session(session, token)
                principal_cache().forget(token)
            if result.ok:
                setattr(g, NEW_SESSION, (result.token, result.csrf_token))
            principal = result.principal
    if principal is not None and getattr(g, NEW_SESSION, None) is None:
        principal_cache().put(token, principal)
    set_principal(principal)
    return principal


def principal_cache() -> PrincipalCache:
    cache = current_app.config.get(CACHE_KEY)
    if not isinstance(cache, PrincipalCache):
        cache = current_app.config[CACHE_KEY] = PrincipalCache(0)
    return cache


def trusted_user(auth: AuthSettings) -> str | None:
    """The user a trusted proxy vouches for, or None (no header, or not from a proxy)."""
    if not auth.trusted_header:
        return None
    name = request.headers.get(auth.trusted_header, "").strip()
    if not name or not from_trusted_proxy(request, auth):
        return None
    return name


def metrics_token_ok(auth: AuthSettings) -> bool:
    expected = auth.metrics_secret()
    header = request.headers.get("Authorization", "")
    if not expected or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[7:].strip().encode(), expected.encode())


def csrf_ok(principal: Principal) -> bool:
    """The request carries this session's CSRF token (header, or a form's hidden field)."""
    sent = request.headers.get(cookies.CSRF_HEADER, "")
    if not sent and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        sent = request.form.get(cookies.CSRF_FIELD, "")
    expected = principal.csrf_token
    return bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())


def callback_decision(principal: Principal | None, province_code: str) -> Decision:
    """A Dash callback is decided by the page its outputs belong to (see routes)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return Decision(Outcome.FORBID)
    decision = routes.decide_callback(principal, routes.callback_outputs(body))
    target = routes.router_target(body)
    if decision.allowed and target is not None:
        path, query = target
        page = routes.decide(principal, path, query, province_code=province_code)
        setattr(g, PAGE_DECISION, page)
    return decision


def page_decision() -> Decision | None:
    """What the gate decided about the page the router is rendering (None: not routing)."""
    found = getattr(g, PAGE_DECISION, None)
    return found if isinstance(found, Decision) else None


def language() -> str:
    return language_or_default(request.args.get("lang") or current_settings().web.language)


def wants_page(kind: Kind) -> bool:
    return kind is Kind.PAGE and request.method in ("GET", "HEAD")


def answer(decision: Decision, kind: Kind) -> BaseResponse:
    """The response for a refused request (or a redirect to the principal's own page)."""
    lang = language()
    if decision.outcome is Outcome.REDIRECT:
        return redirect(decision.location, 302)
    if decision.outcome is Outcome.SIGN_IN:
        if wants_page(kind):
            return redirect("/login?next=" + quote(local_target(), safe="/?=&"), 302)
        response = error_json(401, t("auth.sign_in_needed", lang))
        if routes.find_rule(request.path)[0].need is Need.METRICS:
            response.headers["WWW-Authenticate"] = 'Bearer realm="ioc"'
        return response
    if wants_page(kind):
        html = message_page(lang, t("auth.forbidden.title", lang), t("auth.forbidden.text", lang))
        return Response(html, status=403, mimetype="text/html")
    return error_json(403, t("auth.forbidden.title", lang))


def local_target() -> str:
    raw = request.query_string.decode("utf-8", "replace")
    return request.path + (f"?{raw}" if raw else "")


def refuse_csrf() -> Response:
    return error_json(403, t("auth.csrf", language()), code="csrf")


def error_json(status: int, message: str, code: str = "") -> Response:
    response = jsonify({"error": code or str(status), "message": message})
    response.status_code = status
    return response


def after_request(response: Response) -> Response:
    """Hand out a session opened by SSO; keep the CSRF cookie in step with the session."""
    new = getattr(g, NEW_SESSION, None)
    principal = principal_or_none()
    if principal is None:
        return response
    auth = current_settings().auth
    if new is not None:
        token, csrf = new
        life = _lifetime(principal, auth)
        cookies.set_session(
            response, request=request, settings=auth, token=token, csrf_token=csrf, lifetime=life
        )
    elif (
        response.mimetype == "text/html"
        and request.cookies.get(cookies.CSRF_COOKIE) != principal.csrf_token
    ):
        cookies.set_csrf(
            response,
            request=request,
            settings=auth,
            csrf_token=principal.csrf_token,
            lifetime=_lifetime(principal, auth),
        )
    return response


def _lifetime(principal: Principal, auth: AuthSettings) -> timedelta:
    life = auth.lifetimes()
    return life.kiosk_absolute if principal.kiosk_id is not None else life.absolute
