"""Who may reach which route and which callback, as data, and the pure decision over it.

The web gate (``ioc.web.gate``) asks :func:`decide` about every request and
:func:`decide_callback` about every Dash callback; the pages' router asks :func:`decide`
about the path a browser navigates to inside the app. Nothing here touches Flask or the
store, so the whole table is tested as plain functions.

Every route of the Flask server must match a rule here: the last rule (anything else) asks
for a signed-in user, so a new route is closed until someone opens it on purpose, and the
authorisation-matrix test fails until the new route is in its table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qsl, urlencode

from ioc.auth.principal import Principal
from ioc.auth.user_roles import Role


class Need(StrEnum):
    """What a route asks of the requester."""

    PUBLIC = "public"  # nobody needs to be signed in
    PRINCIPAL = "principal"  # any signed-in user or kiosk
    USER = "user"  # any signed-in user (not a kiosk)
    PROVINCE = "province"  # a province-wide user: admin, leader, viewer without a unit
    SYSTEM = "system"  # admin or leader
    FIELD = "field"  # admin, unit operator or field staff
    METRICS = "metrics"  # admin, or the /metrics bearer token
    FILE = "file"  # any signed-in principal, or a valid signed link for exactly this path
    HOME = "home"  # "/": province users; everyone else is sent to their own page
    UNIT = "unit"  # /unit/<code>: a unit in the principal's scope
    WALL = "wall"  # /wall?unit=<code>: kiosks too, for their unit
    FIELD_PAGE = "field_page"  # /field?unit=<code>: FIELD roles, within their scope
    KPI_REPORT = "kpi_report"  # /kpi/report/<unit>/<period>: the unit in scope


class Kind(StrEnum):
    """How a refusal is answered: pages send browsers to sign in, the rest get 401."""

    PAGE = "page"
    API = "api"


class Outcome(StrEnum):
    ALLOW = "allow"
    SIGN_IN = "sign_in"  # no principal: 302 to /login (pages) or 401
    FORBID = "forbid"  # signed in without the right: 403
    REDIRECT = "redirect"  # signed in, but this principal's page is elsewhere


@dataclass(frozen=True)
class Rule:
    """Paths matching ``pattern`` (whole path) need ``need``."""

    pattern: str
    need: Need
    kind: Kind = Kind.API

    def match(self, path: str) -> re.Match[str] | None:
        return re.fullmatch(self.pattern, path)


# First match wins. Dash serves every page from one catch-all route, so pages are told
# apart here by path; their query (?unit=) is read by the rules that need it.
ROUTES: tuple[Rule, ...] = (
    Rule(r"/login", Need.PUBLIC, Kind.PAGE),
    Rule(r"/logout", Need.PUBLIC, Kind.PAGE),
    Rule(r"/kiosk/[^/]+", Need.PUBLIC, Kind.PAGE),
    Rule(r"/healthz", Need.PUBLIC),
    Rule(r"/readyz", Need.PUBLIC),  # which dependency is down, nothing more
    Rule(r"/open311/v2/.+", Need.PUBLIC),  # citizens' API: public fields only
    Rule(r"/assets/.+", Need.PUBLIC),  # CSS, icons, small scripts
    Rule(r"/_dash-component-suites/.+", Need.PUBLIC),  # Dash's own JavaScript
    Rule(r"/_favicon\.ico", Need.PUBLIC),
    Rule(r"/_dash-layout", Need.PRINCIPAL),
    Rule(r"/_dash-dependencies", Need.PRINCIPAL),
    Rule(r"/_dash-update-component", Need.PRINCIPAL),  # each callback: decide_callback
    Rule(r"/_reload-hash", Need.USER),
    Rule(r"/tiles/.+", Need.PRINCIPAL),
    Rule(r"/map-glyphs/.+", Need.PRINCIPAL),
    Rule(r"/files/snapshots/.+", Need.FILE),  # per-camera unit checks in the route
    Rule(r"/metrics", Need.METRICS),
    Rule(r"/kpi/report/(?P<unit>[^/]+)/[^/]+", Need.KPI_REPORT, Kind.PAGE),
    Rule(r"/static/.+", Need.USER),
    Rule(r"/", Need.HOME, Kind.PAGE),
    Rule(r"/(leader|kpi)", Need.PROVINCE, Kind.PAGE),
    Rule(r"/chuyen-doi-so", Need.USER, Kind.PAGE),  # public figures with their sources
    Rule(r"/reports", Need.USER, Kind.PAGE),  # the page lists only the user's units' reports
    Rule(r"/system", Need.SYSTEM, Kind.PAGE),
    Rule(r"/(thay-doi|vu-viec)", Need.USER, Kind.PAGE),  # rows: the user's units (and roles)
    Rule(r"/field", Need.FIELD_PAGE, Kind.PAGE),
    Rule(r"/unit/(?P<unit>.+)", Need.UNIT, Kind.PAGE),  # like Dash: the rest is the code
    Rule(r"/ioc", Need.PROVINCE, Kind.PAGE),  # the network of IOCs and their state
    Rule(r"/ioc/.+", Need.USER, Kind.PAGE),  # its area checked against the scope by the page
    Rule(r"/wall", Need.WALL, Kind.PAGE),
    Rule(r".*", Need.USER, Kind.PAGE),  # anything else: Dash's "page not found", users only
)

# Callbacks by the page their output ids belong to (the id's prefix before the first "-").
CALLBACK_NEEDS: Mapping[str, Need] = {
    "_pages": Need.PRINCIPAL,  # Dash's page router: the page's own rule is applied to its path
    "shell": Need.PRINCIPAL,
    "wall": Need.PRINCIPAL,
    "overview": Need.PROVINCE,
    "leader": Need.PROVINCE,
    "kpi": Need.PROVINCE,
    "cds": Need.USER,  # /chuyen-doi-so: published figures, the same for every user
    "reports": Need.USER,  # rows filtered by unit scope inside ioc/pages/reports.py
    "system": Need.SYSTEM,
    "unit": Need.USER,
    "field": Need.FIELD,
    "changes": Need.USER,  # /thay-doi: rows by unit scope, verdicts by role in the callback
    "cases": Need.USER,  # /vu-viec: the same
    "iocpage": Need.USER,  # /ioc/<code>: the IOC's scope checked in ioc/pages/ioc_page.py
    "iocnet": Need.PROVINCE,  # /ioc
}

# Callbacks that change state (or take an upload), by output "id.property": refused to
# principals that may not change anything (leaders, viewers, kiosks).
CHANGING_OUTPUTS: frozenset[str] = frozenset(
    {
        "field-changed.data",  # field actions: acknowledge, dispatch, resolve + photo upload
        "reports-changed.data",  # citizen-report workflow steps
        "unit-desk-status.children",  # the incident desk of /unit/<code>
        "overview-desk-status.children",  # the incident desk of /
        "iocpage-desk-status.children",  # the incident desk of /ioc/<code>
        "changes-changed.data",  # a verdict on a change candidate, a case opened from one
        "cases-changed.data",  # a case's next step, a case opened from a report or incident
    }
)

FIELD_ROLES = frozenset({Role.ADMIN, Role.OPERATOR, Role.FIELD})
SYSTEM_ROLES = frozenset({Role.ADMIN, Role.LEADER})
ROUTER_PREFIX = "_pages"
AMBIGUOUS = "\x00ambiguous"  # a query key given more than once


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    kind: Kind = Kind.API
    location: str = ""

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.ALLOW


ALLOW = Decision(Outcome.ALLOW)


def normalise_path(path: str) -> str:
    """``/leader/`` → ``/leader``: slashes stripped at both ends, as Dash's router does."""
    return "/" + path.strip("/")


def find_rule(path: str) -> tuple[Rule, dict[str, str]]:
    """The first rule matching ``path`` and its named parts."""
    clean = normalise_path(path)
    for rule in ROUTES:
        found = rule.match(clean)
        if found is not None:
            return rule, {k: v for k, v in found.groupdict().items() if v is not None}
    raise AssertionError("the last rule matches every path")  # pragma: no cover


def decide(
    principal: Principal | None,
    path: str,
    query: Mapping[str, str] | None = None,
    *,
    province_code: str = "68",
    metrics_token_ok: bool = False,
    file_link_ok: bool = False,
) -> Decision:
    """May ``principal`` (None: nobody signed in) open ``path`` with ``query``?

    ``metrics_token_ok`` / ``file_link_ok``: the request carries a valid /metrics token /
    a valid signature of its own path (:mod:`ioc.file_links`); either opens only its
    own kind of route.
    """
    rule, parts = find_rule(path)
    kind = rule.kind
    if rule.need is Need.PUBLIC:
        return ALLOW
    if rule.need is Need.METRICS and metrics_token_ok:
        return ALLOW
    if rule.need is Need.FILE and file_link_ok:
        return ALLOW
    if principal is None:
        return Decision(Outcome.SIGN_IN, kind)
    outcome = _decide_need(principal, rule.need, parts, query or {}, province_code)
    return outcome if outcome.kind is kind else Decision(outcome.outcome, kind, outcome.location)


def _decide_need(
    principal: Principal,
    need: Need,
    parts: Mapping[str, str],
    query: Mapping[str, str],
    province_code: str,
) -> Decision:
    kiosk = principal.role is Role.KIOSK
    if need in (Need.PRINCIPAL, Need.FILE):
        return ALLOW
    if need is Need.WALL:
        return _wall(principal, query)
    if need is Need.HOME:
        return _home(principal)
    if kiosk:
        return _forbid()
    checks: dict[Need, bool] = {
        Need.USER: True,
        Need.PROVINCE: principal.province_wide,
        Need.SYSTEM: principal.role in SYSTEM_ROLES,
        Need.FIELD: principal.role in FIELD_ROLES,
        Need.METRICS: principal.role is Role.ADMIN,
        Need.UNIT: principal.sees_unit(parts.get("unit")),
        Need.KPI_REPORT: _kpi_report(principal, parts.get("unit", ""), province_code),
    }
    if need is Need.FIELD_PAGE:
        return _field(principal, query)
    return ALLOW if checks[need] else _forbid()


def _forbid() -> Decision:
    return Decision(Outcome.FORBID)


def _redirect(path: str, query: Mapping[str, str]) -> Decision:
    text = urlencode({k: v for k, v in query.items() if v})
    return Decision(Outcome.REDIRECT, location=f"{path}?{text}" if text else path)


def _home(principal: Principal) -> Decision:
    if principal.role is Role.KIOSK:
        return _redirect("/wall", {"unit": principal.unit_code or ""})
    if principal.province_wide:
        return ALLOW
    if principal.role is Role.FIELD:
        return _redirect("/field", {"unit": principal.unit_code or ""})
    if principal.ioc_code:  # an IOC's operator or viewer: its IOC's landing page
        return _redirect(f"/ioc/{principal.ioc_code}", {})
    return _redirect(f"/unit/{principal.unit_code}", {})


def _wall(principal: Principal, query: Mapping[str, str]) -> Decision:
    listed = [code.strip() for code in query.get("units", "").split(",") if code.strip()]
    if not all(principal.sees_unit(code) for code in listed):
        return _forbid()  # a rotation through units (?units=a,b) asks for each of them
    unit = query.get("unit", "")
    if unit:
        return ALLOW if principal.sees_unit(unit) else _forbid()
    if principal.province_wide:
        return ALLOW
    return _redirect("/wall", {**query, "unit": principal.unit_code or ""})


def _field(principal: Principal, query: Mapping[str, str]) -> Decision:
    if principal.role not in FIELD_ROLES:
        return _forbid()
    unit = query.get("unit", "")
    if unit:
        return ALLOW if principal.sees_unit(unit) else _forbid()
    if principal.province_wide:
        return ALLOW
    return _redirect("/field", {**query, "unit": principal.unit_code or ""})


def _kpi_report(principal: Principal, unit: str, province_code: str) -> bool:
    if unit in ("province", province_code):
        return principal.province_wide
    return principal.sees_unit(unit)


def may_open(principal: Principal | None, path: str, province_code: str = "68") -> bool:
    """Whether a navigation link to ``path`` is worth showing to ``principal``."""
    return decide(principal, path, {}, province_code=province_code).outcome in (
        Outcome.ALLOW,
        Outcome.REDIRECT,
    )


# --- Dash callbacks -------------------------------------------------------------------


def component_name(component_id: Any) -> str:
    """A callback output's component id as text (``{"type": "x", ...}`` → ``x``)."""
    if isinstance(component_id, Mapping):
        return str(component_id.get("type", ""))
    return str(component_id)


def page_of(name: str) -> str:
    """The page a component belongs to: the prefix of its id (``wall-map`` → ``wall``)."""
    if name.startswith(ROUTER_PREFIX):
        return ROUTER_PREFIX
    return name.split("-", 1)[0]


def callback_outputs(body: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(component, property) of every output named in a callback request's JSON."""
    outputs = body.get("outputs")
    items: Iterable[Any] = outputs if isinstance(outputs, list) else [outputs]
    found = []
    for item in items:
        if isinstance(item, Mapping) and "id" in item:
            found.append((component_name(item["id"]), str(item.get("property", ""))))
        elif isinstance(item, list):  # pattern-matching ALL outputs: a list per output
            found += callback_outputs({"outputs": item})
    return found


def decide_callback(principal: Principal | None, outputs: list[tuple[str, str]]) -> Decision:
    """May ``principal`` run the callback writing ``outputs``? (Unknown pages: no.)"""
    if principal is None:
        return Decision(Outcome.SIGN_IN)
    if not outputs:
        return _forbid()
    for name, prop in outputs:
        need = CALLBACK_NEEDS.get(page_of(name))
        if need is None:
            return _forbid()
        decision = _decide_need(principal, need, {}, {}, "")
        if not decision.allowed:
            return _forbid()
        if f"{name}.{prop.split('@')[0]}" in CHANGING_OUTPUTS and not principal.may_change:
            return _forbid()
    return ALLOW


def router_target(body: Mapping[str, Any]) -> tuple[str, dict[str, str]] | None:
    """For Dash's page-router callback: the path and query navigated to, else None."""
    outputs = callback_outputs(body)
    if not outputs or any(page_of(name) != ROUTER_PREFIX for name, _ in outputs):
        return None
    values = {}
    for item in body.get("inputs") or []:
        if isinstance(item, Mapping) and component_name(item.get("id")).startswith(ROUTER_PREFIX):
            values[str(item.get("property"))] = item.get("value")
    pathname = values.get("pathname")
    search = values.get("search")
    return (
        pathname if isinstance(pathname, str) else "/",
        parse_query(search if isinstance(search, str) else ""),
    )


def parse_query(search: str) -> dict[str, str]:
    """The query as Dash's router reads it: ``?unit=672`` → ``{"unit": "672"}``.

    Like Dash, a search without its leading ``?`` is no query at all. A key given twice
    would reach a page as a list, so it reads as :data:`AMBIGUOUS`, which no unit matches.
    """
    if not search.startswith("?"):
        return {}
    found: dict[str, str] = {}
    for key, value in parse_qsl(search[1:], keep_blank_values=True):
        found[key] = AMBIGUOUS if key in found else value
    return found
