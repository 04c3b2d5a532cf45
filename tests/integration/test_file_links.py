"""Signed snapshot links over HTTP on PostGIS: the link of an alert opens its picture without a
session; any bad link is answered like an anonymous request for an unknown file (401 JSON
from the gate); traversal stays refused even under a valid signature; sessions work as before.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import dash
import pytest
from flask.testing import FlaskClient

from ioc.auth.user_roles import Role
from ioc.config import Settings
from ioc.file_links import FileLinks
from ioc.incidents.alerts import Outbox, queue_outbox
from ioc.notify.subscriptions import SubscriptionSpec, add_subscription
from ioc.store import Store
from ioc.store.models_incidents import NotificationDelivery
from ioc.web.app import create_app
from testkit.auth_support import signed_in_client
from tests.scope_support import BAO_LOC, DA_LAT, JPEG, TwoCities, seed_two_cities

pytestmark = pytest.mark.postgis

KEY = "khóa-ký-liên-kết-thử-nghiệm-0123456789"
TTL_S = 24 * 3600


def web_settings(var_dir: Path, **auth: Any) -> Settings:
    return Settings.model_validate({"var_dir": str(var_dir), "auth": {"link_secret": KEY, **auth}})


@pytest.fixture
def site(postgis_store: Store, tmp_path: Path) -> tuple[dash.Dash, TwoCities]:
    seeded = seed_two_cities(postgis_store, tmp_path)
    (tmp_path / "secret.jpg").write_bytes(JPEG)  # outside the snapshots folder
    return create_app(web_settings(tmp_path), postgis_store), seeded


def signer() -> FileLinks:
    return FileLinks(KEY.encode(), TTL_S)


def link(path: str, now: float | None = None, links: FileLinks | None = None) -> str:
    """``path`` (as the server decodes it) with a signature made at ``now``."""
    made = (links or signer()).query(unquote(path), time.time() if now is None else now)
    return f"{path}?{made}"


def snapshot(files: dict[str, str], name: str) -> str:
    return f"/files/snapshots/{files[name]}"


def same_answer(got: Any, reference: Any) -> bool:
    return (got.status_code, got.get_json()) == (reference.status_code, reference.get_json())


def test_a_signed_link_opens_its_file_without_a_session(site: tuple[dash.Dash, TwoCities]) -> None:
    app, seeded = site
    anonymous = app.server.test_client()
    answer = anonymous.get(link(snapshot(seeded.files, "cam_dl")))
    assert answer.status_code == 200 and answer.data == JPEG
    control = answer.headers["Cache-Control"]
    assert "private" in control and "public" not in control
    max_age = int(control.split("max-age=")[1].split(",")[0])
    assert 0 < max_age <= 86400
    assert answer.headers["Referrer-Policy"] == "same-origin"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in answer.headers  # no session is opened or hinted at
    soon = anonymous.get(link(snapshot(seeded.files, "cam_bl"), now=time.time() - TTL_S + 60))
    assert soon.status_code == 200
    assert int(soon.headers["Cache-Control"].split("max-age=")[1].split(",")[0]) <= 60


def test_a_bad_link_gets_what_an_unknown_file_gets(site: tuple[dash.Dash, TwoCities]) -> None:
    app, seeded = site
    anonymous = app.server.test_client()
    unknown = anonymous.get("/files/snapshots/nothing/x.jpg")
    assert unknown.status_code == 401  # the gate's answer to any anonymous file request
    path = snapshot(seeded.files, "cam_dl")
    good = link(path)
    base, _, query = good.partition("?")
    fields = dict(part.split("=", 1) for part in query.split("&"))
    flipped = fields["sig"][:-1] + ("A" if fields["sig"][-1] != "A" else "B")
    bad = [
        path,  # no signature at all
        f"{base}?exp={fields['exp']}&sig={flipped}",  # tampered signature
        f"{base}?exp={int(fields['exp']) + 60}&sig={fields['sig']}",  # tampered expiry
        link(path, now=time.time() - TTL_S - 1),  # expired
        link(path, links=FileLinks(KEY.encode(), 30 * TTL_S)),  # made to live a month
        link(path, links=FileLinks(b"another-key-0123456789", TTL_S)),  # another key
        f"{snapshot(seeded.files, 'cam_bl')}?{query}",  # another file's path
        f"{snapshot(seeded.files, 'cam_dl').replace('CAM-DL/', 'CAM-BL/../CAM-DL/')}?{query}",
        f"{good}&unit={DA_LAT}",  # anything more
        f"{base}?exp={fields['exp']}",  # a part missing
        f"{base}?sig={fields['sig']}",
        f"{base}?exp=abc&sig=%00%FF",  # garbage
        link("/files/snapshots/nothing/x.jpg").replace("nothing/x.jpg", seeded.files["cam_dl"]),
    ]
    for target in bad:
        assert same_answer(anonymous.get(target), unknown), target
    # Only someone holding the key can tell a missing file (404) from a refusal (401).
    assert anonymous.get(link("/files/snapshots/nothing/x.jpg")).status_code == 404


def test_traversal_is_refused_even_with_a_valid_signature(
    site: tuple[dash.Dash, TwoCities], tmp_path: Path
) -> None:
    app, _seeded = site
    anonymous = app.server.test_client()
    attacks = [
        "/files/snapshots/../secret.jpg",
        "/files/snapshots/..%2fsecret.jpg",
        "/files/snapshots/%2e%2e/secret.jpg",
        "/files/snapshots/CAM-DL/..%2f..%2fsecret.jpg",
        "/files/snapshots/%252e%252e%252fsecret.jpg",
        "/files/snapshots/..%5csecret.jpg",
        "/files/snapshots//etc/passwd",
        f"/files/snapshots/{tmp_path}/secret.jpg",
        "/files/snapshots/CAM-DL/a.jpg%00.png",
    ]
    for path in attacks:
        assert anonymous.get(link(path)).status_code == 404, path


def test_sessions_decide_as_before_whatever_the_query(site: tuple[dash.Dash, TwoCities]) -> None:
    app, seeded = site
    path = snapshot(seeded.files, "cam_dl")
    stale = link(path, now=time.time() - TTL_S - 1)
    operator_dl = signed_in_client(app.server, Role.OPERATOR, DA_LAT)
    operator_bl = signed_in_client(app.server, Role.OPERATOR, BAO_LOC)
    assert operator_dl.get(path).status_code == 200
    assert operator_dl.get(stale).status_code == 200  # a bad link adds nothing, takes nothing
    assert operator_bl.get(path).status_code == 404  # out of scope: not admitted to exist
    assert operator_bl.get(stale).status_code == 404
    assert operator_bl.get(link(path)).status_code == 200  # the link itself is the permission


def test_without_a_key_links_are_plain_and_signatures_count_for_nothing(
    postgis_store: Store, tmp_path: Path
) -> None:
    seeded = seed_two_cities(postgis_store, tmp_path)
    app = create_app(Settings(var_dir=tmp_path), postgis_store)
    answer = app.server.test_client().get(link(snapshot(seeded.files, "cam_dl")))
    assert answer.status_code == 401


def test_the_alert_link_made_by_the_incidents_role_opens_in_the_web_role(
    postgis_store: Store, tmp_path: Path
) -> None:
    """Two roles, two settings trees, one key file: the alert's link works on the web."""
    seeded = seed_two_cities(postgis_store, tmp_path / "web")
    key_file = tmp_path / "link_secret"
    key_file.write_text(KEY + "\n", encoding="utf-8")
    incidents = Settings.model_validate(
        {
            "var_dir": str(tmp_path / "incidents"),
            "incidents": {"public_url": "https://ioc.lamdong.test/", "subscriptions_file": ""},
            "auth": {"link_secret_file": str(key_file)},
        }
    )
    web = Settings.model_validate(
        {"var_dir": str(tmp_path / "web"), "auth": {"link_secret_file": str(key_file)}}
    )
    with postgis_store.session() as session:
        add_subscription(session, SubscriptionSpec("webhook", target="http://hook.test/"))
        outbox = Outbox()
        outbox.add(seeded.incident_dl, 0)
        ids = queue_outbox(session, outbox, incidents.public_base_url, incidents.auth.file_links())
        row = session.get(NotificationDelivery, ids[0])
        assert row is not None and row.payload is not None
        url = row.payload["snapshot_url"]
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        f"https://ioc.lamdong.test/files/snapshots/{seeded.files['cam_dl']}"
    )
    assert parts.query.startswith("exp=") and "&sig=" in parts.query
    app = create_app(web, postgis_store)
    client: FlaskClient = app.server.test_client()
    answer = client.get(f"{parts.path}?{parts.query}")
    assert answer.status_code == 200 and answer.data == JPEG
    other = create_app(web_settings(tmp_path / "web", link_secret="x" * 32), postgis_store)
    assert other.server.test_client().get(f"{parts.path}?{parts.query}").status_code == 401
