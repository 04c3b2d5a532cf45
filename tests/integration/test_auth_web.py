"""Signing in over HTTP on both real stores: the form, rate limits, CSRF, session fixation,
kiosk and single-sign-on sessions, file routes under attack, headers and error answers."""

from __future__ import annotations

import http.client
import json
import re
import threading
import urllib.parse
from pathlib import Path
from typing import Any

import dash
import pytest
import shapely
from dash import Input, Output
from flask.testing import FlaskClient
from sqlalchemy import select

from ioc.auth import sessions
from ioc.auth.user_roles import Role
from ioc.config import Settings
from ioc.store import Store
from ioc.store.models_audit import AuditEntry
from ioc.store.units import UnitRecord, insert_units
from ioc.tasks import web_task
from ioc.timeutil import utcnow
from ioc.web.app import create_app
from testkit.auth_support import (
    PASSWORD,
    add_account,
    callback_body,
    csrf_headers,
    put_cookies,
    sign_in,
    signed_in_client,
)
from testkit.helpers import free_port

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_app(store: Store, var_dir: Path, **auth: Any) -> dash.Dash:
    settings = Settings.model_validate({"var_dir": str(var_dir), "auth": auth})
    return create_app(settings, store)


@pytest.fixture
def app(store: Store, tmp_path: Path) -> dash.Dash:
    with store.session() as session:
        insert_units(
            session,
            [
                UnitRecord(
                    "672",
                    "Thành phố Đà Lạt",
                    "district",
                    shapely.MultiPolygon([shapely.box(108.3, 11.8, 108.6, 12.1)]),
                    utcnow().date(),
                )
            ],
        )
    return make_app(store, tmp_path)


def client_at(app: dash.Dash, address: str) -> FlaskClient:
    """A test client whose requests come from ``address``."""
    client: FlaskClient = app.server.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def login(client: FlaskClient, username: str, password: str, next_path: str = "/") -> Any:
    """Fill in the sign-in form as a browser does: GET it, then POST it with its token."""
    form = client.get(f"/login?next={next_path}").get_data(as_text=True)
    found = CSRF_FIELD.search(form)
    assert found is not None
    data = {"csrf_token": found[1], "next": next_path, "username": username, "password": password}
    return client.post("/login", data=data)


def audit_actions(store: Store) -> list[tuple[str, str, Any]]:
    with store.session() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        return [(row.action, row.actor, row.detail) for row in rows]


def test_sign_in_form_signs_in_and_out(app: dash.Dash, store: Store) -> None:
    add_account(store, Role.LEADER, username="lanhdao")
    client = app.server.test_client()
    first = client.get("/leader")
    assert first.status_code == 302 and first.headers["Location"] == "/login?next=/leader"
    form = client.get("/login?next=/leader").get_data(as_text=True)
    assert "Đăng nhập" in form and "Tên đăng nhập" in form and "<script" not in form
    assert "Sign in" in client.get("/login?lang=en").get_data(as_text=True)
    wrong = login(client, "lanhdao", "not-the-password", "/leader")
    assert wrong.status_code == 200 and "ioc_session" not in str(wrong.headers)
    assert "Sai tên đăng nhập hoặc mật khẩu" in wrong.get_data(as_text=True)
    unknown = login(client, "nobody", PASSWORD, "/leader")
    assert unknown.get_data(as_text=True).count("Sai tên đăng nhập hoặc mật khẩu") == 1
    done = login(client, "LanhDao", PASSWORD, "/leader")
    assert done.status_code == 303 and done.headers["Location"] == "/leader"
    cookies = {c.split("=")[0]: c for c in done.headers.getlist("Set-Cookie")}
    assert "HttpOnly" in cookies["ioc_session"] and "SameSite=Lax" in cookies["ioc_session"]
    assert "SameSite=Strict" in cookies["_csrf_token"] and "HttpOnly" not in cookies["_csrf_token"]
    assert client.get("/leader").status_code == 200
    assert (
        client.post("/logout", data={"csrf_token": csrf_headers(client)["X-CSRFToken"]}).status_code
        == 303
    )
    assert client.get("/leader").status_code == 302
    actions = [a for a, _, _ in audit_actions(store)]
    assert actions == ["auth.sign_in_failed"] * 2 + ["auth.sign_in", "auth.sign_out"]


@pytest.mark.parametrize(
    "wanted",
    ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x", "/logout"],
)
def test_sign_in_never_sends_elsewhere(app: dash.Dash, store: Store, wanted: str) -> None:
    add_account(store, Role.ADMIN, username="admin")
    response = login(app.server.test_client(), "admin", PASSWORD, wanted)
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_form_without_its_token_is_refused(app: dash.Dash, store: Store) -> None:
    add_account(store, Role.ADMIN, username="admin")
    client = app.server.test_client()
    client.get("/login")
    data = {"csrf_token": "forged", "username": "admin", "password": PASSWORD, "next": "/"}
    refused = client.post("/login", data=data)
    assert refused.status_code == 400 and "ioc_session" not in str(refused.headers)


def test_session_fixation_has_nothing_to_fix(app: dash.Dash, store: Store) -> None:
    add_account(store, Role.ADMIN, username="admin")
    planted = sign_in(store, Role.VIEWER)  # an attacker's own valid session...
    client = app.server.test_client()
    client.set_cookie("ioc_session", planted.token)  # ...planted in the victim's browser
    assert login(client, "admin", PASSWORD).status_code == 303
    cookie = client.get_cookie("ioc_session")
    assert cookie is not None and cookie.value != planted.token
    with store.session() as session:
        assert sessions.resolve(session, planted.token, utcnow()) is None
        principal = sessions.resolve(session, cookie.value, utcnow())
        assert principal is not None and principal.name == "admin"
    made_up = app.server.test_client()
    made_up.set_cookie("ioc_session", "chosen-by-the-attacker")
    assert login(made_up, "admin", PASSWORD).status_code == 303
    fresh = made_up.get_cookie("ioc_session")
    assert fresh is not None and fresh.value != "chosen-by-the-attacker"


def test_brute_force_is_stopped_per_user_name(app: dash.Dash, store: Store) -> None:
    add_account(store, Role.ADMIN, username="admin")
    add_account(store, Role.LEADER, username="lanhdao")
    attacker = app.server.test_client()
    for n in range(5):
        assert "Sai tên đăng nhập" in login(attacker, "admin", f"guess-{n}").get_data(as_text=True)
    blocked = login(attacker, "admin", PASSWORD)  # the right password, too late
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["Retry-After"]) <= 15 * 60
    assert "quá nhiều lần" in blocked.get_data(as_text=True)
    assert "ioc_session" not in str(blocked.headers.getlist("Set-Cookie"))
    assert login(app.server.test_client(), "lanhdao", PASSWORD).status_code == 303
    rows = audit_actions(store)
    failed = [detail for action, _, detail in rows if action == "auth.sign_in_failed"]
    assert [d["username"] for d in failed] == ["admin"] * 5
    assert not any("guess-" in str(detail) for _, _, detail in rows)
    assert ("auth.rate_limited", "admin") in [(a, who) for a, who, _ in rows]


def test_brute_force_is_stopped_per_client(store: Store, tmp_path: Path) -> None:
    app = make_app(store, tmp_path, max_failures_per_client=3)
    add_account(store, Role.ADMIN, username="admin")
    client = app.server.test_client()
    for name in ("a1", "a2", "a3"):
        assert "Sai tên đăng nhập" in login(client, name, "wrong-password").get_data(as_text=True)
    assert login(client, "admin", PASSWORD).status_code == 429
    elsewhere = client_at(app, "10.1.2.3")
    assert login(elsewhere, "admin", PASSWORD).status_code == 303


def test_callbacks_need_the_sessions_csrf_token(app: dash.Dash, store: Store) -> None:
    client = signed_in_client(app.server, Role.ADMIN)
    body = callback_body(app, "shell-nav.children", {"shell-lang": "vi"})
    assert client.post("/_dash-update-component", json=body).status_code == 403
    wrong = {"X-CSRFToken": "x" * 43}
    assert client.post("/_dash-update-component", json=body, headers=wrong).status_code == 403
    other = sign_in(store, Role.ADMIN)  # a real token, of another session
    stolen = {"X-CSRFToken": other.csrf_token}
    assert client.post("/_dash-update-component", json=body, headers=stolen).status_code == 403
    ok = client.post("/_dash-update-component", json=body, headers=csrf_headers(client))
    assert ok.status_code == 200 and "shell-nav" in ok.get_data(as_text=True)


def test_sign_out_needs_the_csrf_token(app: dash.Dash, store: Store) -> None:
    client = signed_in_client(app.server, Role.LEADER)
    assert client.post("/logout").status_code == 403
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    assert client.get("/leader").status_code == 200  # still signed in
    token = csrf_headers(client)["X-CSRFToken"]
    assert client.post("/logout", headers={"X-CSRFToken": token}).status_code == 303
    assert client.get("/_dash-layout").status_code == 401


def test_read_only_roles_cannot_change_state(app: dash.Dash, store: Store) -> None:
    body = callback_body(app, "..reports-changed.data...reports-message.children..")
    for role, status in ((Role.LEADER, 403), (Role.VIEWER, 403), (Role.ADMIN, 200)):
        client = signed_in_client(app.server, role)
        answer = client.post("/_dash-update-component", json=body, headers=csrf_headers(client))
        assert answer.status_code == status, role


def test_kiosk_token_opens_its_wall_only(app: dash.Dash, store: Store) -> None:
    with store.session() as session:
        token, _kiosk = sessions.issue_kiosk_token(session, "Tường 1", "672", utcnow())
    client = app.server.test_client()
    opened = client.get(f"/kiosk/{token}")
    assert opened.status_code == 303 and opened.headers["Location"] == "/wall?unit=672"
    assert client.get("/wall?unit=672").status_code == 200
    assert client.get("/").headers["Location"] == "/wall?unit=672"
    assert client.get("/leader").status_code == 403
    body = callback_body(app, "..field-changed.data...field-status.children..")
    assert (
        client.post("/_dash-update-component", json=body, headers=csrf_headers(client)).status_code
        == 403
    )
    assert app.server.test_client().get("/kiosk/" + "x" * 43).status_code == 404
    person = signed_in_client(app.server, Role.LEADER)  # a link followed by a signed-in person
    assert person.get(f"/kiosk/{token}").status_code == 409
    assert person.get("/leader").status_code == 200  # still that person
    actions = [a for a, _, _ in audit_actions(store)]
    assert actions == ["auth.kiosk_sign_in", "auth.kiosk_refused"]


def test_trusted_header_only_from_a_trusted_proxy(store: Store, tmp_path: Path) -> None:
    app = make_app(store, tmp_path, trusted_header="X-Remote-User", trusted_proxies=["10.0.0.0/24"])
    add_account(store, Role.LEADER, username="lanhdao")
    proxy = client_at(app, "10.0.0.7")
    signed = proxy.get("/leader", headers={"X-Remote-User": "lanhdao"})
    assert signed.status_code == 200 and "ioc_session=" in str(signed.headers.getlist("Set-Cookie"))
    assert proxy.get("/leader", headers={"X-Remote-User": "lanhdao"}).status_code == 200
    assert proxy.get("/leader", headers={"X-Remote-User": "nobody"}).status_code == 302
    direct = client_at(app, "192.168.1.9")
    assert direct.get("/leader", headers={"X-Remote-User": "lanhdao"}).status_code == 302
    actions = [a for a, _, _ in audit_actions(store)]
    assert actions == ["auth.sso_sign_in", "auth.sso_refused"]


def test_snapshot_route_refuses_traversal(app: dash.Dash, store: Store, tmp_path: Path) -> None:
    (tmp_path / "snapshots" / "CAM-A").mkdir(parents=True)
    (tmp_path / "snapshots" / "CAM-A" / "a.jpg").write_bytes(JPEG)
    (tmp_path / "secret.jpg").write_bytes(JPEG)
    client = signed_in_client(app.server, Role.ADMIN)
    anonymous = app.server.test_client()
    good = client.get("/files/snapshots/CAM-A/a.jpg")
    assert good.status_code == 200 and good.data == JPEG
    assert "private" in good.headers["Cache-Control"]
    assert anonymous.get("/files/snapshots/CAM-A/a.jpg").status_code == 401
    attacks = [
        "/files/snapshots/../secret.jpg",
        "/files/snapshots/..%2fsecret.jpg",
        "/files/snapshots/%2e%2e%2fsecret.jpg",
        "/files/snapshots/%2e%2e/secret.jpg",
        "/files/snapshots/CAM-A/..%2f..%2fsecret.jpg",
        "/files/snapshots/%252e%252e%252fsecret.jpg",  # double-encoded
        "/files/snapshots/..%5csecret.jpg",  # backslash
        "/files/snapshots/CAM-A\\..\\..\\secret.jpg",
        "/files/snapshots//etc/passwd",  # absolute
        f"/files/snapshots/{tmp_path}/secret.jpg",
        "/files/snapshots/CAM-A/a.jpg%00.png",
    ]
    for path in attacks:
        assert client.get(path).status_code == 404, path
        assert anonymous.get(path).status_code in (401, 404), path


def test_security_headers_everywhere(app: dash.Dash, store: Store) -> None:
    client = signed_in_client(app.server, Role.ADMIN)
    body = callback_body(app, "shell-nav.children", {"shell-lang": "vi"})
    answers = [
        client.get("/"),
        client.get("/login"),
        client.get("/healthz"),
        client.get("/open311/v2/services.json"),
        client.post("/_dash-update-component", json=body, headers=csrf_headers(client)),
        app.server.test_client().get("/leader"),
    ]
    for answer in answers:
        headers = answer.headers
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "camera=()" in headers["Permissions-Policy"]
        assert headers["Cache-Control"] == "no-store"
        policy = headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "'unsafe-eval'" not in policy and "script-src 'self'" in policy
        assert "Strict-Transport-Security" not in headers  # plain HTTP here
    index = answers[0]
    assert all(h in index.headers["Content-Security-Policy"] for h in _script_hashes(index))
    assert client.get("/assets/ioc.css").headers.get("Cache-Control") != "no-store"


def _script_hashes(index: Any) -> list[str]:
    import base64
    import hashlib

    page = re.sub(r"<!--.*?-->", "", index.get_data(as_text=True), flags=re.S)  # IE's comment
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    renderer = re.findall(r'<script id="_dash-renderer"[^>]*>(.*?)</script>', page, re.S)
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in scripts + renderer
    ]


def test_https_behind_a_trusted_proxy_gets_hsts_and_secure_cookies(
    store: Store, tmp_path: Path
) -> None:
    app = make_app(store, tmp_path, trusted_proxies=["127.0.0.1"])
    add_account(store, Role.ADMIN, username="admin")
    https = {"X-Forwarded-Proto": "https"}
    client = app.server.test_client()
    assert "max-age" in client.get("/login", headers=https).headers["Strict-Transport-Security"]
    form = client.get("/login", headers=https).get_data(as_text=True)
    token = CSRF_FIELD.search(form)[1]  # type: ignore[index]
    data = {"csrf_token": token, "next": "/", "username": "admin", "password": PASSWORD}
    done = client.post("/login", data=data, headers=https)
    assert all("Secure" in c for c in done.headers.getlist("Set-Cookie") if "=;" not in c)
    spoofed = client_at(app, "10.9.9.9")
    assert "Strict-Transport-Security" not in spoofed.get("/login", headers=https).headers


@pytest.mark.parametrize(("allowed", "https"), [("127.0.0.1", True), ("10.1.2.3", False)])
def test_https_from_a_forwarded_allow_ips_proxy_on_the_served_port(
    store: Store, tmp_path: Path, allowed: str, https: bool
) -> None:
    """`python app.py`'s own server ignored X-Forwarded-Proto from web.forwarded_allow_ips
    (127.0.0.1 by default), so behind a local TLS proxy cookies were not Secure and no HSTS
    was sent (issue #17). Real HTTP on a real port, auth.trusted_proxies left empty."""
    add_account(store, Role.ADMIN, username="admin")
    settings = Settings.model_validate(
        {"var_dir": str(tmp_path), "web": {"port": free_port(), "forwarded_allow_ips": allowed}}
    )
    stop = threading.Event()
    thread = threading.Thread(target=web_task(settings, store), args=(stop,))
    thread.start()
    try:
        form = http_call(settings.web.port, "GET", "/login")
        assert ("Strict-Transport-Security" in form.headers) is https
        found = CSRF_FIELD.search(form.read().decode())
        assert found is not None
        data = {"csrf_token": found[1], "next": "/", "username": "admin", "password": PASSWORD}
        cookie = "; ".join(c.split(";")[0] for c in form.headers.get_all("Set-Cookie") or [])
        done = http_call(settings.web.port, "POST", "/login", data, cookie)
        assert done.status == 303
        cookies = done.headers.get_all("Set-Cookie") or []
        assert any(c.startswith("ioc_session=") for c in cookies)
        assert all(("; Secure" in c) is https for c in cookies if "=;" not in c)
    finally:
        stop.set()
        thread.join(timeout=10)


def http_call(
    port: int, method: str, path: str, form: dict[str, str] | None = None, cookie: str = ""
) -> http.client.HTTPResponse:
    """One request as a TLS proxy on this machine forwards it (X-Forwarded-Proto: https)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"X-Forwarded-Proto": "https", "Cookie": cookie}
    body = urllib.parse.urlencode(form).encode() if form else None
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body, headers)
    return conn.getresponse()


def test_errors_carry_no_traceback(app: dash.Dash, store: Store) -> None:
    @app.callback(Output("shell-boom", "children"), Input("shell-lang", "data"))
    def boom(_lang: str | None) -> str:
        raise RuntimeError("secret internals /etc/ioc")

    client = signed_in_client(app.server, Role.ADMIN)
    answer = client.post(
        "/_dash-update-component",
        json=callback_body(app, "shell-boom.children", {"shell-lang": "vi"}),
        headers=csrf_headers(client),
    )
    text = answer.get_data(as_text=True)
    assert answer.status_code == 500 and "Traceback" not in text and "secret internals" not in text
    assert answer.get_json()["message"].startswith("Hệ thống gặp lỗi")
    missing = client.get("/files/snapshots/nothing.jpg", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and "Không tìm thấy" in missing.get_data(as_text=True)
    wrong_method = client.put("/healthz")
    assert wrong_method.status_code == 405 and wrong_method.get_json()["error"] == "405"


def test_unknown_addresses_are_404s_in_their_own_format(
    app: dash.Dash, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """A Dash asset that does not exist was a 500 with a traceback in the log; unknown
    Open311 paths answered a browser an HTML page instead of an Open311 error list."""
    anonymous = app.server.test_client()
    html = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    with caplog.at_level("INFO"):
        asset = anonymous.get("/_dash-component-suites/dash/nonexistent.js")
    assert asset.status_code == 404 and asset.get_json()["error"] == "404"
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    for path in ("/open311/v2/discovery.json", "/open311/v2/tokens/abc.json"):
        answer = anonymous.get(path, headers=html)
        assert answer.status_code == 404 and answer.mimetype == "application/json", path
        [error] = answer.get_json()
        assert error["code"] == 404 and error["description"], path
    xml = anonymous.get("/open311/v2/tokens/abc.xml", headers=html)
    assert xml.status_code == 404 and xml.mimetype == "application/xml"
    assert b"<errors><error><code>404</code>" in xml.data
    wrong_method = anonymous.put("/open311/v2/services.json")
    assert wrong_method.status_code == 405 and wrong_method.get_json()[0]["code"] == 405
    assert "GET" in wrong_method.headers["Allow"]


def test_metrics_for_admins_or_the_bearer_token(store: Store, tmp_path: Path) -> None:
    secret = tmp_path / "metrics.token"
    secret.write_text("s3cret-token-for-prometheus\n", encoding="utf-8")
    app = make_app(store, tmp_path, metrics_token_file=str(secret))
    scraper = app.server.test_client()
    ok = scraper.get("/metrics", headers={"Authorization": "Bearer s3cret-token-for-prometheus"})
    assert ok.status_code == 200 and ok.mimetype == "text/plain"
    refused = scraper.get("/metrics", headers={"Authorization": "Bearer wrong"})
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert signed_in_client(app.server, Role.LEADER).get("/metrics").status_code == 403


def test_shell_names_the_user_and_links_only_open_pages(app: dash.Dash, store: Store) -> None:
    def layout_of(role: Role, unit: str | None = None) -> str:
        answer = signed_in_client(app.server, role, unit).get("/_dash-layout")
        return json.dumps(answer.get_json(), ensure_ascii=False)  # Dash escapes "/" and "Đ"

    operator = layout_of(Role.OPERATOR, "672")
    assert "operator.672" in operator and "Đăng xuất" in operator and '"/logout"' in operator
    assert '"/leader"' not in operator and '"/system"' not in operator and '"/field"' in operator
    admin = layout_of(Role.ADMIN)
    assert '"/system"' in admin and '"/leader"' in admin and "Quản trị" in admin


def test_disabled_account_is_out_at_once(store: Store, tmp_path: Path) -> None:
    app = make_app(store, tmp_path, principal_cache_s=0)
    client = signed_in_client(app.server, Role.VIEWER)
    assert client.get("/leader").status_code == 200
    from ioc.auth.accounts import set_active

    with store.session() as session:
        user = set_active(session, "test.viewer", False)
        sessions.close_user_sessions(session, user.id)
    assert client.get("/leader").status_code == 302
    put_cookies(client, sign_in(store, Role.VIEWER))  # a new session of a disabled account
    assert client.get("/leader").status_code == 302


def test_camera_stream_credentials_never_reach_a_browser(app: dash.Dash, store: Store) -> None:
    from ioc.pages.overview import DEFAULT_METRIC
    from ioc.pages.overview_map import LAYER_NAMES
    from ioc.store.cameras import CameraSpec, upsert_cameras

    stream = "rtsp://camuser:S3cretStreamPw@10.0.0.9:554/live"
    with store.session() as session:
        upsert_cameras(
            session, [CameraSpec("CAM-1", "Hồ Xuân Hương", 108.44, 11.94, "672", stream_url=stream)]
        )
    client = signed_in_client(app.server, Role.ADMIN)
    headers = csrf_headers(client)
    values = {
        "shell-lang": "vi",
        "unit-code": "672",
        "wall-unit": "672",
        "overview-metric": DEFAULT_METRIC,
        "overview-layers": list(LAYER_NAMES),
    }
    bodies = [
        callback_body(app, key, values)
        for key in app.callback_map
        if key.startswith(("..overview-map.figure...", "..unit-map.figure", "..wall-map.figure"))
    ]
    assert len(bodies) == 3
    answers = [client.post("/_dash-update-component", json=b, headers=headers) for b in bodies]
    assert all(a.status_code == 200 and "CAM-1" in a.get_data(as_text=True) for a in answers)
    answers += [client.get("/_dash-layout"), client.get("/unit/672")]
    for answer in answers:
        text = answer.get_data(as_text=True)
        assert "S3cretStreamPw" not in text and "rtsp://" not in text
