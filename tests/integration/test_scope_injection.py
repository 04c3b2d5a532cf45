"""SQL-injection and garbage strings through every client-sent input of every page callback,
the KPI report route and the Open311 query parameters, on real PostGIS.

What must hold: no exception (a callback that raises answers HTTP 500 with a traceback in
the log), nothing outside the principal's scope in the answer, and every table intact.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from dash.exceptions import PreventUpdate
from flask import Flask
from sqlalchemy import func, select

from ioc import cache
from ioc.app_context import attach
from ioc.auth.user_roles import Role
from ioc.config import Settings
from ioc.pages import (
    field,
    ioc_network,
    ioc_page,
    kpi,
    leader,
    overview,
    reports,
    system,
    unit,
    wall,
)
from ioc.store import Store
from ioc.store.models import Camera, CitizenReport, Incident
from ioc.store.models_audit import AuditEntry
from ioc.web.app import create_app
from testkit.auth_support import callback_body, csrf_headers, signed_in_client
from tests.scope_support import (
    ADMIN,
    DA_LAT,
    NOW,
    XUAN_HUONG,
    acting_as,
    output_key,
    pattern_prop,
    seed_two_cities,
    unit_principal,
)

pytestmark = pytest.mark.postgis

PAYLOADS: list[Any] = [
    "' OR '1'='1",
    "1; DROP TABLE cameras;--",
    "%' --",
    "24781' OR unit_code LIKE '%",
    "‘ OR ’1’=’1’ --",  # typographic quotes
    "＇ OR １＝１ --",  # full-width quote and digits
    "\\'; DELETE FROM incidents; --",
    "672\x00' OR 1=1",  # PostgreSQL refuses NUL in text
    "9" * 40,
    "Ω" * 20_000,
    ["' OR 1=1"],
    {"$ne": None, "code": "' OR 1=1"},
    10**30,
    -1,
    True,
]
# The province pages (a KPI table costs about a second) get these in every client-sent input
# at once; the unit-scoped callbacks get them one input at a time, and every payload in the
# unit code.
CORE = [*PAYLOADS[:3], PAYLOADS[4], PAYLOADS[7], PAYLOADS[9], PAYLOADS[10], PAYLOADS[12]]
TABLES = {"cameras": Camera, "incidents": Incident, "citizen_reports": CitizenReport}

# name: (callback, arguments as a page would send them, which of them a client controls)
Call = tuple[Callable[..., Any], list[Any], list[int]]
CALLS: dict[str, Call] = {
    "unit.refresh": (unit.refresh, [1, None, XUAN_HUONG, "vi"], [1, 2, 3]),
    "wall.refresh": (wall.refresh, [1, [1920, 1080], None, None, XUAN_HUONG, "vi"], [1, 2, 3, 4]),
    "field.refresh": (field.refresh, [1, 0, XUAN_HUONG, "", "vi"], [2, 3, 4]),
    "reports.refresh": (reports.refresh, [1, None, None, None, 0, "vi"], [1, 2, 3, 5]),
    "kpi.refresh": (kpi.refresh, [None, None, None, "vi"], [0, 1, 2, 3]),
    "kpi.pick_kind": (kpi.pick_kind, ["month"], [0]),
    "leader.refresh": (leader.refresh, ["month", "total", 1, "vi"], [0, 1, 3]),
    "leader.export": (leader.export, [1, "month", "total", "vi"], [1, 2, 3]),
    "overview.refresh": (overview.refresh, [1, None, "vi", [], "total", None], [1, 3, 4, 5]),
    "overview.pick_metric": (overview.pick_metric, ["total", "vi"], [0, 1]),
    "overview.toggle_layers": (overview.toggle_layers, [["cameras"]], [0]),
    "overview.refresh_cases": (overview.refresh_cases, [1, None, "vi"], [1, 2]),
    "system.refresh": (system.refresh, [1, "vi"], [1]),
    "ioc_page.refresh": (ioc_page.refresh, [1, None, "IOC-672", "vi"], [1, 2, 3]),
    "ioc_network.refresh": (ioc_network.refresh, [1, "vi"], [1]),
}
# The unit-scoped callbacks and which argument is the unit code (it gets every payload).
UNIT_CALLS = {
    "unit.refresh": 2,
    "wall.refresh": 4,
    "field.refresh": 2,
    "reports.refresh": 1,
    "ioc_page.refresh": 2,
}


@pytest.fixture(scope="module")
def seeded(_postgis_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One seeded PostGIS store for the whole module (the callbacks only read, or refuse)."""
    from sqlalchemy import text

    from ioc.store.schema import metadata

    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with _postgis_store.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    cache.changed("units")
    var_dir = tmp_path_factory.mktemp("injection")
    seed_two_cities(_postgis_store, var_dir)
    server = Flask("injection")
    attach(server, Settings(var_dir=var_dir), _postgis_store)
    cache.invalidate_all()
    yield _postgis_store, server, var_dir


def counts(store: Store) -> dict[str, int]:
    with store.session() as session:
        return {
            name: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for name, model in TABLES.items()
        }


def answer_text(value: Any) -> str:
    return json.dumps(
        value,
        default=lambda o: o.to_plotly_json() if hasattr(o, "to_plotly_json") else repr(o),
        ensure_ascii=False,
    )


def run_forged(call: Call, indexes: list[int], payload: Any) -> str:
    function, args, _ = call
    forged = list(args)
    for index in indexes:
        forged[index] = payload
    try:
        return answer_text(function(*forged))
    except PreventUpdate:
        return ""


@pytest.mark.parametrize("name", list(CALLS))
def test_every_callback_input_survives_injection_payloads(seeded: Any, name: str) -> None:
    store, server, _ = seeded
    before = counts(store)
    call = CALLS[name]
    principals = [ADMIN]
    if name in UNIT_CALLS:
        principals.append(unit_principal(store, "operator.672", Role.OPERATOR, DA_LAT))
    one_by_one = name in UNIT_CALLS
    positions = [[i] for i in call[2]] if one_by_one else [call[2]]
    for principal in principals:
        with acting_as(server, principal):
            for indexes in positions:
                full = one_by_one and indexes == [UNIT_CALLS[name]]
                for payload in PAYLOADS if full else CORE:
                    text = run_forged(call, indexes, payload)
                    if not principal.province_wide:
                        assert "Bảo Lộc" not in text, (name, indexes, payload)
    assert counts(store) == before


def test_report_actions_with_forged_steps_change_nothing(seeded: Any) -> None:
    store, server, _ = seeded
    with store.session() as session:
        report_id = session.scalar(select(func.min(CitizenReport.id)))
        audit_rows = session.scalar(select(func.count()).select_from(AuditEntry))
    assert report_id is not None
    with acting_as(server, ADMIN):
        for payload in PAYLOADS:
            assert reports.apply_action(report_id, str(payload), NOW) == "not_allowed"
        assert reports.apply_action(2**40, "resolved", NOW) == "unknown"
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == audit_rows
        row = session.get(CitizenReport, report_id)
        assert row is not None and row.status == "received"


def test_kpi_report_route_with_forged_unit_and_period(seeded: Any) -> None:
    store, server, _ = seeded
    operator = unit_principal(store, "operator.672", Role.OPERATOR, DA_LAT)
    for payload in PAYLOADS:
        text = str(payload)[:2000]
        for principal in (ADMIN, operator):
            with acting_as(server, principal, query_string={"era": text, "format": text}):
                response = kpi.report_response(text, text)
                assert response.status_code in (403, 404), (payload, response.status_code)
                response = kpi.report_response(XUAN_HUONG, text)
                assert response.status_code in (200, 403, 404), (payload, response.status_code)


@pytest.mark.parametrize(
    "query",
    [
        "service_code={}",
        "status={}",
        "service_request_id={}",
        "start_date={}",
        "end_date={}",
        "start_date=0001-01-01T00:00:00&end_date={}",
        "start_date=9999-12-31T23:59:59&status={}",
        "lang={}",
    ],
)
def test_open311_query_parameters_survive_injection(
    seeded: Any, tmp_path: Path, query: str
) -> None:
    store = seeded[0]
    before = counts(store)
    client = create_app(Settings(var_dir=tmp_path), store).server.test_client()
    for payload in PAYLOADS:
        if not isinstance(payload, str):
            continue
        for fmt in ("json", "xml"):
            url = f"/open311/v2/requests.{fmt}?" + query.format(quote(payload[:3000]))
            response = client.get(url)
            assert response.status_code in (200, 400), (url[:120], response.status_code)
            assert b"Traceback" not in response.data
        one = client.get(f"/open311/v2/requests/{quote(payload[:3000], safe='')}.json")
        assert one.status_code in (400, 404), payload
    assert counts(store) == before


# Over real HTTP (the sign-in gate, Dash's dispatch): each callback with every component
# id a client sends set to the same payload.
HTTP_CALLS: dict[str, list[str]] = {
    "unit-map.figure": ["unit-code", "unit-version", "shell-lang"],
    "wall-map.figure": ["wall-unit", "wall-screen", "wall-version", "wall-seen"],
    "field-list.children": ["field-unit", "field-version"],
    "reports-table.children": [
        "reports-filter-unit",
        "reports-filter-category",
        "reports-filter-status",
    ],
    "kpi-cards.children": ["kpi-period", "kpi-era", "kpi-unit"],
    "leader-table.children": ["leader-kind", "leader-sort"],
    "overview-cards.children": [
        "overview-version",
        "overview-metric",
        "overview-layers",
        "overview-districts",
    ],
}
PROVINCE_OUTPUTS = {"kpi-cards.children", "leader-table.children", "overview-cards.children"}
BUTTONS = {
    "reports-changed.data": (
        '{"report":["ALL"],"to":["ALL"],"type":"reports-action"}',
        ("report", "to"),
    ),
    "field-changed.data": (
        '{"action":["ALL"],"incident":["ALL"],"type":"field-action"}',
        ("incident", "action"),
    ),
}


def test_forged_callback_requests_over_http(seeded: Any) -> None:
    store, _server, var_dir = seeded
    app = create_app(Settings(var_dir=var_dir), store)
    before = counts(store)
    for role, unit_code in ((Role.ADMIN, None), (Role.OPERATOR, DA_LAT)):
        client = signed_in_client(app.server, role, unit_code)
        headers = csrf_headers(client)
        for output, ids in HTTP_CALLS.items():
            key = output_key(app, output)
            for payload in CORE:
                body = callback_body(app, key, {i: payload for i in ids} | {"shell-lang": "vi"})
                response = client.post("/_dash-update-component", json=body, headers=headers)
                gated = unit_code is not None and output in PROVINCE_OUTPUTS  # the gate's 403
                expected = (403,) if gated else (200, 204)
                assert response.status_code in expected, (role, output, payload)
                if unit_code:
                    assert "Bảo Lộc" not in json.dumps(
                        response.get_json(silent=True) or "", ensure_ascii=False
                    )
        for output, (pattern, fields) in BUTTONS.items():
            key = output_key(app, output)
            for payload in CORE:
                button = {"type": pattern.split('"type":"')[1].rstrip('"}')}
                button |= {field: payload for field in fields}
                values = {pattern: [(button, 1)], "shell-lang": "vi"}
                body = callback_body(app, key, values, [pattern_prop(button, "n_clicks")])
                response = client.post("/_dash-update-component", json=body, headers=headers)
                assert response.status_code in (200, 204), (role, output, payload)
    assert counts(store) == before
