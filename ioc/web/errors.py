"""Error answers without stack traces: a short Vietnamese page for browsers, JSON otherwise.

Every HTTP error and every exception a route or callback lets escape ends here. The
exception and its traceback go to the server log; the browser gets the status and one
sentence (an Open311 client, anywhere under ``/open311/v2/``, an Open311 error list in the
format its path asks for; a Dash asset that does not exist is a 404, not a fault). Headers
the error carries (``Retry-After``, ``Allow``) are kept.
"""

from __future__ import annotations

import logging

from dash.exceptions import DependencyException
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

from ioc.i18n import TEXTS, t
from ioc.reports.open311 import is_open311_path, open311_error_response
from ioc.store.outage import UNREACHABLE, short
from ioc.web.gate import language
from ioc.web.plain_pages import message_page

log = logging.getLogger(__name__)


def install(server: Flask) -> None:
    server.register_error_handler(HTTPException, http_error)
    server.register_error_handler(DependencyException, unknown_asset)
    for unreachable in UNREACHABLE:
        server.register_error_handler(unreachable, database_away)
    server.register_error_handler(Exception, unexpected)


def message(status: int, lang: str) -> str:
    key = f"error.{status}"
    return t(key if key in TEXTS else "error.other", lang)


def wants_html() -> bool:
    if request.method not in ("GET", "HEAD") or request.path.startswith("/_dash"):
        return False
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "text/html"


def http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    lang = language()
    text = message(status, lang)
    if is_open311_path(request.path):  # Open311 clients get Open311 errors, never a page
        response = open311_error_response(status, exc.description or exc.name)
    elif wants_html():
        response = Response(message_page(lang, text, ""), status=status, mimetype="text/html")
    else:
        response = jsonify({"error": str(status), "message": text})
        response.status_code = status
    for name in ("Retry-After", "Allow", "WWW-Authenticate"):
        value = exc.get_response().headers.get(name)
        if value:
            response.headers[name] = value
    return response


def unknown_asset(exc: DependencyException) -> Response:
    """A ``/_dash-component-suites/`` file Dash does not serve: nothing there, not a fault."""
    log.info("no such Dash asset: %s (%s)", request.path, str(exc).split("\n", 1)[0])
    return http_error(NotFound())


def database_away(exc: Exception) -> Response:
    """The database cannot be reached (e.g. signing a page's visitor in): 503 with the
    pages' own database message, not a 500; the browser may try again shortly."""
    log.warning("database unreachable on %s %s: %s", request.method, request.path, short(exc))
    lang = language()
    title = t("common.db_unreachable", lang).capitalize()
    if wants_html():
        page = message_page(lang, title, t("error.503", lang))
        response = Response(page, status=503, mimetype="text/html")
    else:
        response = jsonify({"error": "503", "message": title})
        response.status_code = 503
    response.headers["Retry-After"] = "10"
    return response


def unexpected(exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.path, exc_info=exc)
    return http_error(InternalServerError())
