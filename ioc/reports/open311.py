"""The Open311 GeoReport v2 API at ``/open311/v2/`` (a Flask blueprint on the dashboard).

``GET services.json``, ``GET services/<code>.json``, ``POST requests.json``,
``GET requests.json`` and ``GET requests/<id>.json`` (each also as ``.xml``), plus
``GET media/<name>`` for the re-encoded photos and one extension outside the standard's
paths, ``POST requests/<id>/rating.json`` (the citizen rates a closed report). Errors
are Open311 error lists with the fitting HTTP status. See ``docs/open311.md``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, jsonify, request, send_file, url_for
from werkzeug.exceptions import HTTPException

from ioc.app_context import current_settings, current_store
from ioc.config.reports import ReportsSettings, reports_settings
from ioc.reports.categories import load_categories
from ioc.reports.intake import OUTSIDE, create_reports
from ioc.reports.media import upload_path
from ioc.reports.open311_format import (
    definition_dict,
    errors,
    request_dict,
    service_dict,
    to_xml,
)
from ioc.reports.open311_post import Open311Error, build_report
from ioc.reports.queries import ReportFilter, find_reports, statuses_of
from ioc.reports.rating import rate_report
from ioc.timeutil import LOCAL_TZ, to_local, utcnow

PREFIX = "/open311/v2"
FORMATS = ("json", "xml")
REQUEST_ID = re.compile(r"^[0-9]{1,9}$")  # ids fit the database's 32-bit integers
SERVICE_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
MAX_IDS = 200


def open311_blueprint() -> Blueprint:
    """A new blueprint with every route (one per app, so apps never share state)."""
    bp = Blueprint("open311", __name__, url_prefix=PREFIX)
    bp.add_url_rule("/services.<fmt>", "services", services)
    bp.add_url_rule("/services/<code>.<fmt>", "definition", definition)
    bp.add_url_rule("/requests.<fmt>", "requests", list_requests, methods=["GET"])
    bp.add_url_rule("/requests.<fmt>", "create", create_request, methods=["POST"])
    bp.add_url_rule("/requests/<req_id>.<fmt>", "request", one_request)
    bp.add_url_rule("/requests/<req_id>/rating.<fmt>", "rate", rate_request, methods=["POST"])
    bp.add_url_rule("/media/<name>", "media", media)
    bp.before_request(_limit_body)
    bp.register_error_handler(Open311Error, _open311_error)
    bp.register_error_handler(HTTPException, _http_error)
    return bp


def _settings() -> ReportsSettings:
    return reports_settings(current_settings())


def _uploads() -> Path:
    return current_settings().var_dir / _settings().uploads_subdir


def _limit_body() -> None:
    request.max_content_length = _settings().max_upload_bytes + 256 * 1024


def _lang() -> str:
    return "en" if request.args.get("lang", "") == "en" else "vi"


def respond(fmt: str, root: str, body: Any, status: int = 200) -> Response:
    if fmt not in FORMATS:
        raise Open311Error(404, f"unknown format .{fmt} (use .json or .xml)")
    if fmt == "xml":
        return Response(to_xml(root, body), status=status, mimetype="application/xml")
    response = jsonify(body)
    response.status_code = status
    return response


def is_open311_path(path: str) -> bool:
    """Whether ``path`` is under the Open311 API (its errors are Open311 error lists)."""
    return path == PREFIX or path.startswith(PREFIX + "/")


def open311_error_response(code: int, description: str) -> Response:
    """An Open311 error list, XML when the path asks for ``.xml``, JSON otherwise."""
    fmt = "xml" if request.path.endswith(".xml") else "json"
    return respond(fmt, "errors", errors(code, description), code)


def _open311_error(exc: Open311Error) -> Response:
    return open311_error_response(exc.code, exc.description)


def _http_error(exc: HTTPException) -> Response:
    code = exc.code or 500
    return _open311_error(Open311Error(code, exc.description or exc.name))


def services(fmt: str) -> Response:
    with current_store().session() as session:
        categories = load_categories(session)
    return respond(fmt, "services", [service_dict(c, _lang()) for c in categories.values()])


def definition(code: str, fmt: str) -> Response:
    with current_store().session() as session:
        category = load_categories(session).get(code)
    if category is None:
        raise Open311Error(404, f"service_code not found: {code}")
    return respond(fmt, "service_definition", definition_dict(category))


def _media_url(name: str) -> str:
    return url_for("open311.media", name=name, _external=True)


def create_request(fmt: str) -> Response:
    settings, store = _settings(), current_store()
    with store.session() as session:
        categories = load_categories(session)
        item = build_report(
            session,
            request.form,
            request.files.get("media"),
            categories=categories,
            settings=settings,
            uploads=_uploads(),
            today=to_local(utcnow()).date(),
        )
        result = create_reports(session, store, [item], settings=settings)[0]
    if result.id is None:
        if item.media_path:
            (_uploads() / item.media_path).unlink(missing_ok=True)
        code = 422 if result.rejected == OUTSIDE else 400
        raise Open311Error(code, result.rejected or "report rejected")
    notice = ""
    if result.duplicates:
        ids = ", ".join(f"#{i}" for i in result.duplicates)
        notice = f"Có thể trùng với phản ánh {ids} / possibly a duplicate of {ids}"
    body = [{"service_request_id": str(result.id), "service_notice": notice, "account_id": None}]
    return respond(fmt, "service_requests", body, 201)


def _when(name: str) -> datetime | None:
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise Open311Error(400, f"{name} must be a W3C/ISO 8601 date-time") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_TZ)


def date_range(max_days: int) -> tuple[datetime, datetime]:
    """``start_date``..``end_date`` of the query (default: the last ``max_days`` days)."""
    start, end = _when("start_date"), _when("end_date")
    span = timedelta(days=max_days)
    try:
        end = end or (start + span if start else utcnow())
        start = start or end - span
    except OverflowError as exc:
        raise Open311Error(400, "start_date/end_date out of range") from exc
    if end < start:
        raise Open311Error(400, "end_date is before start_date")
    if end - start > span:
        raise Open311Error(400, f"the date range may span at most {max_days} days")
    return start, end


def _ids() -> tuple[int, ...]:
    parts = [p.strip() for p in request.args.get("service_request_id", "").split(",")]
    parts = [p for p in parts if p]
    if len(parts) > MAX_IDS or not all(REQUEST_ID.match(p) for p in parts):
        raise Open311Error(
            400, f"service_request_id must be a comma-separated list of up to {MAX_IDS} ids"
        )
    return tuple(int(p) for p in parts)


def _service_codes() -> tuple[str, ...]:
    codes = tuple(c.strip() for c in request.args.get("service_code", "").split(",") if c.strip())
    if not all(SERVICE_CODE.match(c) for c in codes):
        raise Open311Error(400, "service_code must be a comma-separated list of service codes")
    return codes


def list_requests(fmt: str) -> Response:
    ids, status = _ids(), request.args.get("status", "").strip()
    if status and status not in ("open", "closed"):
        raise Open311Error(400, "status must be open or closed")
    codes = _service_codes()
    start, end = (None, None) if ids else date_range(_settings().max_range_days)
    chosen = ReportFilter(
        ids=ids,
        service_codes=codes,
        statuses=statuses_of(status) if status else (),
        start=start,
        end=end,
    )
    with current_store().session() as session:
        categories = load_categories(session)
        rows = find_reports(session, chosen)
        body = [request_dict(r, categories, _lang(), _media_url) for r in rows]
    return respond(fmt, "service_requests", body)


def one_request(req_id: str, fmt: str) -> Response:
    if not REQUEST_ID.match(req_id):
        raise Open311Error(404, f"service request not found: {req_id}")
    with current_store().session() as session:
        categories = load_categories(session)
        rows = find_reports(session, ReportFilter(ids=(int(req_id),)))
        body = [request_dict(r, categories, _lang(), _media_url) for r in rows]
    if not body:
        raise Open311Error(404, f"service request not found: {req_id}")
    return respond(fmt, "service_requests", body)


def rate_request(req_id: str, fmt: str) -> Response:
    """Extension: ``rating`` (1–5) of a closed report; 409 when rated otherwise or open."""
    if not REQUEST_ID.match(req_id):
        raise Open311Error(404, f"service request not found: {req_id}")
    text = request.form.get("rating", "").strip()
    if not text.isdigit():
        raise Open311Error(400, "rating must be a whole number 1-5")
    with current_store().session() as session:
        outcome = rate_report(
            session,
            int(req_id),
            int(text),
            actor="open311",
            at=utcnow(),
            client=request.remote_addr or "",
        )
    if outcome.error:
        code = 404 if outcome.not_found else 400 if not 1 <= int(text) <= 5 else 409
        raise Open311Error(code, outcome.error)
    body = [{"service_request_id": req_id, "rating": int(text)}]
    return respond(fmt, "service_requests", body, 201 if outcome.stored else 200)


def media(name: str) -> Response:
    path = upload_path(_uploads(), name)
    if path is None:
        raise Open311Error(404, "media not found")
    return send_file(path, mimetype="image/jpeg", max_age=3600)
