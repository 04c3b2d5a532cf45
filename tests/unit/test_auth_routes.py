"""The route and callback rules as plain functions: who may open what, and where others go."""

from __future__ import annotations

import pytest

from ioc.auth.principal import Principal
from ioc.auth.routes import (
    AMBIGUOUS,
    CALLBACK_NEEDS,
    CHANGING_OUTPUTS,
    Kind,
    Outcome,
    callback_outputs,
    decide,
    decide_callback,
    find_rule,
    may_open,
    parse_query,
    router_target,
)
from ioc.auth.user_roles import Role
from ioc.web.login import safe_next

DA_LAT = frozenset({"672", "24778", "24781"})
ADMIN = Principal("admin", Role.ADMIN)
LEADER = Principal("lanhdao", Role.LEADER)
VIEWER = Principal("xem", Role.VIEWER)
OPERATOR = Principal("vanhanh", Role.OPERATOR, "672", DA_LAT)
FIELD = Principal("hientruong", Role.FIELD, "672", DA_LAT)
UNIT_VIEWER = Principal("xem.dalat", Role.VIEWER, "672", DA_LAT)
KIOSK = Principal("kiosk:tường", Role.KIOSK, "672", DA_LAT, kiosk_id=1)


def outcome(principal: Principal | None, path: str, search: str = "") -> str:
    decision = decide(principal, path, parse_query(search))
    if decision.outcome is Outcome.REDIRECT:
        return "→" + decision.location
    return decision.outcome.value


def test_nobody_is_sent_to_sign_in_pages_get_a_redirect_apis_a_401() -> None:
    assert decide(None, "/leader").outcome is Outcome.SIGN_IN
    assert decide(None, "/leader").kind is Kind.PAGE
    assert decide(None, "/_dash-update-component").kind is Kind.API
    assert decide(None, "/files/snapshots/a.jpg").kind is Kind.API
    for public in ("/login", "/healthz", "/open311/v2/requests.json", "/assets/ioc.css"):
        assert decide(None, public).allowed, public


def test_home_sends_each_principal_to_its_own_page() -> None:
    assert outcome(ADMIN, "/") == outcome(LEADER, "/") == outcome(VIEWER, "/") == "allow"
    assert outcome(OPERATOR, "/") == "→/unit/672"
    assert outcome(UNIT_VIEWER, "/") == "→/unit/672"
    assert outcome(FIELD, "/") == "→/field?unit=672"
    assert outcome(KIOSK, "/") == "→/wall?unit=672"


@pytest.mark.parametrize(
    ("path", "search", "allowed"),
    [
        ("/unit/672", "", True),
        ("/unit/24781", "", True),  # a ward that replaced the former city
        ("/unit/673", "", False),
        ("/unit/672/", "", True),
        ("/unit//672", "", False),  # Dash would read the code as "/672"
        ("/wall", "?unit=24778", True),
        ("/wall", "?unit=673", False),
        ("/wall", "?unit=672&unit=673", False),  # Dash would pass a list
        ("/field", "?unit=672", True),
        ("/kpi/report/24778/2026-10", "", True),
        ("/kpi/report/province/2026-10", "", False),
        ("/kpi/report/68/2026-10", "", False),
        ("/leader", "", False),
        ("/system", "", False),
    ],
)
def test_unit_operator_sees_its_units_only(path: str, search: str, allowed: bool) -> None:
    assert (outcome(OPERATOR, path, search) == "allow") is allowed


def test_unit_less_pages_send_unit_principals_to_their_unit() -> None:
    assert outcome(OPERATOR, "/wall", "?rotate=20") == "→/wall?rotate=20&unit=672"
    assert outcome(OPERATOR, "/field") == "→/field?unit=672"
    assert outcome(ADMIN, "/wall") == outcome(ADMIN, "/field") == "allow"
    assert outcome(LEADER, "/field") == "forbid"  # leaders act on nothing


def test_kiosk_opens_its_wall_and_nothing_else() -> None:
    assert outcome(KIOSK, "/wall", "?unit=672") == "allow"
    for path in ("/leader", "/unit/672", "/field", "/kpi/report/672/2026-10", "/metrics", "/x"):
        assert outcome(KIOSK, path) == "forbid", path
    for path in ("/_dash-layout", "/tiles/1/1/1", "/map-glyphs/a/0-255.pbf"):
        assert outcome(KIOSK, path) == "allow", path


def test_system_and_metrics() -> None:
    assert [outcome(p, "/system") for p in (ADMIN, LEADER, VIEWER)] == ["allow", "allow", "forbid"]
    assert [outcome(p, "/metrics") for p in (ADMIN, LEADER)] == ["allow", "forbid"]
    assert decide(None, "/metrics", metrics_token_ok=True).allowed
    assert not decide(None, "/leader", metrics_token_ok=True).allowed


def test_a_signed_link_opens_snapshot_files_only() -> None:
    assert decide(None, "/files/snapshots/CAM-A/a.jpg", file_link_ok=True).allowed
    assert decide(None, "/files/snapshots/CAM-A/a.jpg").outcome is Outcome.SIGN_IN
    for path in ("/leader", "/metrics", "/tiles/1/1/1", "/files/other/a.jpg", "/x"):
        assert not decide(None, path, file_link_ok=True).allowed, path
    for principal in (ADMIN, OPERATOR, FIELD, KIOSK):  # a session alone: past the gate
        assert decide(principal, "/files/snapshots/CAM-A/a.jpg").allowed


def test_every_path_has_a_rule_and_unknown_ones_need_a_user() -> None:
    rule, _ = find_rule("/something/new")
    assert rule.need.value == "user"
    assert outcome(None, "/something/new") == "sign_in"


def test_callbacks_follow_their_page_and_changes_need_a_changing_role() -> None:
    overview = [("overview-map", "figure")]
    assert decide_callback(LEADER, overview).allowed
    assert not decide_callback(OPERATOR, overview).allowed
    assert not decide_callback(KIOSK, [("field-list", "children")]).allowed
    assert decide_callback(KIOSK, [("wall-map", "figure"), ("wall-title", "children")]).allowed
    act = [("field-changed", "data"), ("field-status", "children")]
    assert decide_callback(FIELD, act).allowed and decide_callback(OPERATOR, act).allowed
    assert not decide_callback(LEADER, [("reports-changed", "data")]).allowed
    assert decide_callback(ADMIN, [("reports-changed", "data")]).allowed
    assert not decide_callback(ADMIN, [("mystery-thing", "children")]).allowed  # unknown page
    assert not decide_callback(ADMIN, []).allowed
    assert decide_callback(None, overview).outcome is Outcome.SIGN_IN
    assert all(output.split("-")[0] in CALLBACK_NEEDS for output in CHANGING_OUTPUTS)


def test_callback_outputs_and_router_target_read_dash_requests() -> None:
    body = {
        "output": "..a-b.c...d-e.f..",
        "outputs": [
            {"id": "a-b", "property": "c"},
            {"id": {"type": "x-y", "i": 1}, "property": "v"},
        ],
        "inputs": [],
    }
    assert callback_outputs(body) == [("a-b", "c"), ("x-y", "v")]
    router = {
        "outputs": [{"id": "_pages_content", "property": "children"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": "/wall"},
            {"id": "_pages_location", "property": "search", "value": "?unit=672"},
        ],
    }
    assert router_target(router) == ("/wall", {"unit": "672"})
    assert router_target(body) is None


def test_query_is_read_like_dashs_router() -> None:
    assert parse_query("?unit=672&rotate=") == {"unit": "672", "rotate": ""}
    assert parse_query("unit=672") == {}  # without "?" Dash reads no query either
    assert parse_query("?unit=1&unit=2") == {"unit": AMBIGUOUS}


def test_navigation_shows_what_can_be_opened() -> None:
    assert may_open(OPERATOR, "/") and may_open(OPERATOR, "/field")
    assert not may_open(OPERATOR, "/leader") and not may_open(VIEWER, "/system")


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("/leader", "/leader"),
        ("/wall?unit=672&rotate=20", "/wall?unit=672&rotate=20"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("/login", "/"),
        ("/x\r\nSet-Cookie: a=b", "/"),
        (None, "/"),
    ],
)
def test_next_page_after_sign_in_stays_local(given: str | None, kept: str) -> None:
    assert safe_next(given) == kept
