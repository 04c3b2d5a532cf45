"""The authorisation matrix: every route, page and kind of callback, as every role, on PostGIS.

Each row is one request; each column one principal: nobody, admin, leader, province viewer,
the operator of Đà Lạt (672), the operator of Bảo Lộc (673), Đà Lạt's field staff, and
Đà Lạt's wall-display kiosk. A cell says what must happen:

* ``ok``: the route ran (2xx, 304 or its own 400 / 404 / 409);
* ``in``: past the gate; what the route does inside is the route's business (per-unit data);
* ``login``: refused for want of a session (401, or 302 to ``/login`` for a browser page);
* ``deny``: refused for want of the right (403);
* ``→/path``: sent to that path (the principal's own page).

A target ``signed:<path>`` / ``badsig:<path>`` is ``<path>`` with a valid signed link (the
alert's link, :mod:`ioc.file_links`) / with a signature of the right form made with
another key. Dash's page-router callback is judged by what it renders (the page, the refusal
notice, or a redirect). The last test checks that the rows reach every route of the Flask
server, every registered page and every page's callbacks, so a new route cannot slip in
untested.
"""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from typing import Any

import dash
import pytest
import shapely
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException

from ioc.auth.routes import CALLBACK_NEEDS, page_of
from ioc.auth.user_roles import Role
from ioc.config import Settings
from ioc.file_links import FileLinks
from ioc.store import Store
from ioc.store.units import UnitRecord, insert_units
from ioc.web.app import create_app
from testkit.auth_support import callback_body, put_cookies, router_body, sign_in

pytestmark = pytest.mark.postgis

PRINCIPALS: tuple[tuple[str, Role | None, str | None], ...] = (
    ("anonymous", None, None),
    ("admin", Role.ADMIN, None),
    ("leader", Role.LEADER, None),
    ("viewer", Role.VIEWER, None),
    ("operator-672", Role.OPERATOR, "672"),
    ("operator-673", Role.OPERATOR, "673"),
    ("field-672", Role.FIELD, "672"),
    ("kiosk-672", Role.KIOSK, "672"),
)
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64
LINK_KEY = "matrix-link-key-0123456789abcdef"
LINKS = {
    "signed:": FileLinks(LINK_KEY.encode(), 24 * 3600),
    "badsig:": FileLinks(b"not-the-key-0123456789abcdef", 24 * 3600),
}

# (method, target, columns in PRINCIPALS order). Targets: a path, "cb:<output>" for a
# callback (with per-row values below) or "router:<path>" for the page router.
MATRIX: tuple[tuple[str, str, str], ...] = (
    # pages (Dash's catch-all route)
    ("GET", "/", "login ok ok ok →/unit/672 →/unit/673 →/field?unit=672 →/wall?unit=672"),
    ("GET", "/leader", "login ok ok ok deny deny deny deny"),
    ("GET", "/kpi", "login ok ok ok deny deny deny deny"),
    ("GET", "/reports", "login ok ok ok ok ok ok deny"),  # rows: the user's units
    ("GET", "/chuyen-doi-so", "login ok ok ok ok ok ok deny"),  # published figures
    ("GET", "/system", "login ok ok deny deny deny deny deny"),
    ("GET", "/thay-doi", "login ok ok ok ok ok ok deny"),  # rows: the user's units
    ("GET", "/vu-viec", "login ok ok ok ok ok ok deny"),  # rows: the user's units
    ("GET", "/field", "login ok deny deny →/field?unit=672 →/field?unit=673 →/field?unit=672 deny"),
    ("GET", "/field?unit=672", "login ok deny deny ok deny ok deny"),
    ("GET", "/unit/672", "login ok ok ok ok deny ok deny"),
    ("GET", "/unit/24778", "login ok ok ok ok deny ok deny"),  # a ward that replaced 672
    ("GET", "/unit/673", "login ok ok ok deny ok deny deny"),
    ("GET", "/unit/672/x", "login ok ok ok deny deny deny deny"),
    ("GET", "/wall",
     "login ok ok ok →/wall?unit=672 →/wall?unit=673 →/wall?unit=672 →/wall?unit=672"),
    ("GET", "/wall?unit=672&rotate=20", "login ok ok ok ok deny ok ok"),
    ("GET", "/wall?unit=673", "login ok ok ok deny ok deny deny"),
    ("GET", "/wall?unit=672&unit=673", "login ok ok ok deny deny deny deny"),
    ("GET", "/wall?unit=672&units=24778", "login ok ok ok ok deny ok ok"),
    ("GET", "/wall?units=672,673", "login ok ok ok deny deny deny deny"),
    ("GET", "/wall?rotate_units=children",
     "login ok ok ok →/wall?rotate_units=children&unit=672 →/wall?rotate_units=children&unit=673 "
     "→/wall?rotate_units=children&unit=672 →/wall?rotate_units=children&unit=672"),
    ("GET", "/leader/", "login ok ok ok deny deny deny deny"),
    ("GET", "/ioc", "login ok ok ok deny deny deny deny"),  # the network: province-wide
    ("GET", "/ioc/672", "login ok ok ok ok ok ok deny"),  # the IOC's area: checked inside
    ("GET", "/no-such-page", "login ok ok ok ok ok ok deny"),
    # routes of the app
    ("GET", "/kpi/report/province/2026-10", "login ok ok ok deny deny deny deny"),
    ("GET", "/kpi/report/68/2026-10", "login ok ok ok deny deny deny deny"),
    ("GET", "/kpi/report/24778/2026-10", "login ok ok ok ok deny ok deny"),
    ("GET", "/metrics", "login ok deny deny deny deny deny deny"),
    ("GET", "/tiles/3/5/3", "login ok ok ok ok ok ok ok"),
    ("GET", "/map-glyphs/Noto/0-255.pbf", "login ok ok ok ok ok ok ok"),
    ("GET", "/files/snapshots/CAM-DL/a.jpg", "login ok ok ok in in in in"),
    ("GET", "signed:/files/snapshots/CAM-DL/a.jpg", "ok ok ok ok ok ok ok ok"),  # the link opens
    ("GET", "badsig:/files/snapshots/CAM-DL/a.jpg", "login ok ok ok in in in in"),  # as unsigned
    ("GET", "/static/x.css", "login ok ok ok ok ok ok deny"),
    ("GET", "/_reload-hash", "login ok ok ok ok ok ok deny"),
    ("GET", "/_dash-layout", "login ok ok ok ok ok ok ok"),
    ("GET", "/_dash-dependencies", "login ok ok ok ok ok ok ok"),
    # public
    ("GET", "/healthz", "ok ok ok ok ok ok ok ok"),
    ("GET", "/readyz", "ok ok ok ok ok ok ok ok"),
    ("GET", "/login", "ok ok ok ok ok ok ok ok"),
    ("POST", "/login", "ok ok ok ok ok ok ok ok"),  # no form token: the form again, 400
    ("GET", "/kiosk/not-a-token", "ok ok ok ok ok ok ok ok"),
    ("POST", "/logout", "ok deny deny deny deny deny deny deny"),  # no CSRF token
    ("GET", "/logout", "ok ok ok ok ok ok ok ok"),  # a page with the sign-out button
    ("GET", "/assets/ioc.css", "ok ok ok ok ok ok ok ok"),
    ("GET", "/_dash-component-suites/dash/dcc/async-graph.js", "ok ok ok ok ok ok ok ok"),
    ("GET", "/_favicon.ico", "ok ok ok ok ok ok ok ok"),
    ("GET", "/open311/v2/services.json", "ok ok ok ok ok ok ok ok"),
    ("GET", "/open311/v2/services/khac.json", "ok ok ok ok ok ok ok ok"),
    ("GET", "/open311/v2/requests.json", "ok ok ok ok ok ok ok ok"),
    ("POST", "/open311/v2/requests.json", "ok ok ok ok ok ok ok ok"),  # incomplete: 400
    ("GET", "/open311/v2/requests/1.json", "ok ok ok ok ok ok ok ok"),
    ("POST", "/open311/v2/requests/1/rating.json", "ok ok ok ok ok ok ok ok"),  # no rating: 400
    ("GET", "/open311/v2/media/nothing.jpg", "ok ok ok ok ok ok ok ok"),
    ("POST", "/open311/v2/requests/1/rating.json", "ok ok ok ok ok ok ok ok"),  # 400/404/409
    # callbacks, by page (read-only, then state-changing)
    ("POST", "cb:shell-nav.children", "login ok ok ok ok ok ok ok"),
    ("POST", "cb:..system-workers.children...",
     "login ok ok deny deny deny deny deny"),
    ("POST", "cb:overview-map.figure@", "login ok ok ok deny deny deny deny"),
    ("POST", "cb:..kpi-period.options...kpi-period.value..", "login ok ok ok deny deny deny deny"),
    ("POST", "cb:leader-download.data", "login ok ok ok deny deny deny deny"),
    ("POST", "cb:..cds-board.children", "login ok ok ok ok ok ok deny"),
    ("POST", "cb:..unit-map.figure", "login ok ok ok ok in ok deny"),
    ("POST", "cb:..wall-map.figure", "login ok ok ok ok in ok ok"),
    ("POST", "cb:..iocpage-map.figure", "login ok ok ok in in in deny"),  # scope inside
    ("POST", "cb:..iocnet-table.children", "login ok ok ok deny deny deny deny"),
    ("POST", "cb:wall-plan.data", "login ok ok ok ok in ok ok"),  # cut to the scope inside
    ("POST", "cb:..field-list.children", "login ok deny deny ok in ok deny"),
    ("POST", "cb:..field-changed.data", "login ok deny deny ok in ok deny"),  # changes state
    ("POST", "cb:..reports-changed.data", "login ok deny deny ok ok ok deny"),  # changes
    ("POST", "cb:..changes-queue.children", "login ok ok ok ok ok ok deny"),
    ("POST", "cb:..changes-changed.data", "login ok deny deny ok ok ok deny"),  # field: refused
    ("POST", "cb:..cases-counts.children", "login ok ok ok ok ok ok deny"),
    ("POST", "cb:..cases-changed.data", "login ok deny deny ok ok ok deny"),  # field: refused
    ("POST", "router:/leader", "login ok ok ok deny deny deny deny"),
    ("POST", "router:/unit/673", "login ok ok ok deny ok deny deny"),
    ("POST", "router:/wall?unit=672", "login ok ok ok ok deny ok ok"),
    ("POST", "router:/", "login ok ok ok →/unit/672 →/unit/673 →/field?unit=672 →/wall?unit=672"),
)  # fmt: skip

# Input/state values of the callbacks above, by component id (the unit pages ask for 672).
VALUES: dict[str, Any] = {
    "shell-lang": "vi",
    "unit-code": "672",
    "iocpage-code": "IOC-672",
    "wall-unit": "672",
    "wall-request": {"unit": "672", "children": "children"},
    "field-unit": "672",
    "kpi-kind": "month",
    "overview-districts": [],
}


def box(x0: float, y0: float, x1: float, y1: float) -> shapely.MultiPolygon:
    return shapely.MultiPolygon([shapely.box(x0, y0, x1, y1)])


def seed(store: Store, var_dir: Path) -> None:
    """Đà Lạt and Bảo Lộc before 2025, and one ward in each after."""
    old, new = (date(2004, 1, 1), date(2025, 6, 30)), date(2025, 7, 1)
    with store.session() as session:
        insert_units(
            session,
            [
                UnitRecord("68", "Tỉnh Lâm Đồng", "province", box(107, 11, 109, 13), old[0]),
                UnitRecord(
                    "672",
                    "Thành phố Đà Lạt",
                    "district",
                    box(108.3, 11.8, 108.6, 12.1),
                    *old,
                    parent_code="68",
                ),
                UnitRecord(
                    "673",
                    "Thành phố Bảo Lộc",
                    "district",
                    box(107.7, 11.4, 107.9, 11.6),
                    *old,
                    parent_code="68",
                ),
                UnitRecord(
                    "24778",
                    "Phường Xuân Hương - Đà Lạt",
                    "commune",
                    box(108.4, 11.9, 108.5, 12.0),
                    new,
                    parent_code="68",
                ),
                UnitRecord(
                    "24820",
                    "Phường B'Lao",
                    "commune",
                    box(107.75, 11.5, 107.85, 11.55),
                    new,
                    parent_code="68",
                ),
            ],
        )
    (var_dir / "snapshots" / "CAM-DL").mkdir(parents=True)
    (var_dir / "snapshots" / "CAM-DL" / "a.jpg").write_bytes(JPEG)


@pytest.fixture
def site(postgis_store: Store, tmp_path: Path) -> tuple[dash.Dash, dict[str, FlaskClient]]:
    seed(postgis_store, tmp_path)
    settings = Settings.model_validate(
        {"var_dir": str(tmp_path), "auth": {"link_secret": LINK_KEY}}
    )
    app = create_app(settings, postgis_store)
    clients = {}
    for name, role, unit in PRINCIPALS:
        client = app.server.test_client()
        if role is not None:
            put_cookies(client, sign_in(postgis_store, role, unit))
        clients[name] = client
    return app, clients


def request(app: dash.Dash, client: FlaskClient, method: str, target: str) -> Any:
    cookie = client.get_cookie("_csrf_token")
    headers = {"X-CSRFToken": cookie.value} if cookie is not None else {}
    if target.startswith("cb:"):
        wanted = target[3:]
        output = next(key for key in app.callback_map if key.startswith(wanted))
        body = callback_body(app, output, VALUES)
        return client.post("/_dash-update-component", json=body, headers=headers)
    if target.startswith("router:"):
        path, _, query = target[7:].partition("?")
        body = router_body(path, f"?{query}" if query else "")
        return client.post("/_dash-update-component", json=body, headers=headers)
    if target.startswith(tuple(LINKS)):
        prefix, path = target[:7], target[7:]
        return client.open(f"{path}?{LINKS[prefix].query(path, time.time())}", method=method)
    if (method, target) == ("POST", "/logout"):
        return client.post(target)  # without the CSRF token, on purpose
    return client.open(target, method=method, headers=headers)


def outcome(target: str, response: Any) -> str:
    """What happened, in the matrix's words."""
    status = response.status_code
    location = response.headers.get("Location", "")
    if status == 401 or (status == 302 and location.startswith("/login")):
        return "login"
    if status in (302, 303):
        return "ok" if location.startswith("/login") else f"→{location}"
    if status == 403:
        return "deny"
    if target.startswith("router:") and status == 200:
        return router_outcome(response.get_json())
    if status < 300 or status in (304, 400, 404, 409):
        return "ok"
    return f"HTTP {status}"


def router_outcome(body: dict[str, Any]) -> str:
    content = body["response"]["_pages_content"]["children"]
    text = json.dumps(content)
    if "gate-refused" in text:
        return "deny"
    if content.get("props", {}).get("id") == "gate-redirect":
        return "→" + str(content["props"]["href"])
    return "ok"


def test_every_role_gets_what_the_matrix_says(
    site: tuple[dash.Dash, dict[str, FlaskClient]],
) -> None:
    app, clients = site
    wrong = []
    for method, target, row in MATRIX:
        expected = row.split()
        assert len(expected) == len(PRINCIPALS), target
        for (name, _role, _unit), want in zip(PRINCIPALS, expected, strict=True):
            got = outcome(target, request(app, clients[name], method, target))
            if got != want and not (want == "in" and got in ("ok", "deny")):
                wrong.append(f"{method} {target} as {name}: expected {want}, got {got}")
    assert wrong == []


def test_matrix_reaches_every_route_page_and_callback(
    site: tuple[dash.Dash, dict[str, FlaskClient]],
) -> None:
    app, clients = site
    clients["admin"].get("/")  # Dash adds its page router on the first request it serves
    adapter = app.server.url_map.bind("localhost")
    reached = set()
    for method, target, _row in MATRIX:
        path = "/_dash-update-component" if target.startswith(("cb:", "router:")) else target
        path = path[7:] if path.startswith(tuple(LINKS)) else path
        try:
            endpoint, _ = adapter.match(path.split("?")[0], method=method)
        except HTTPException:
            continue
        reached.add(endpoint)
    endpoints = {rule.endpoint for rule in app.server.url_map.iter_rules()}
    assert endpoints - reached == set(), "routes missing from MATRIX"
    paths = {target.split("?")[0] for _m, target, _r in MATRIX}
    for page in dash.page_registry.values():
        wanted = (page["path_template"] or page["path"]).replace("<code>", "672")
        assert wanted in paths, f"page {wanted} missing from MATRIX"
    pages_with_callbacks = {
        page_of(part.split(".")[0])
        for key in app.callback_map
        for part in key.strip(".").split("...")
    }
    assert pages_with_callbacks <= set(CALLBACK_NEEDS), "callbacks of a page no rule knows"
    tested = {
        page_of(t[3:].strip(".").split(".")[0]) for _m, t, _r in MATRIX if t.startswith("cb:")
    }
    assert pages_with_callbacks - tested - {"_pages"} == set(), "pages whose callbacks are untested"
