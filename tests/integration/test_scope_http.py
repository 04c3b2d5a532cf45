"""Unit scope over real HTTP: signed-in test clients (the real sign-in gate, real sessions)
POSTing hand-made callback requests to ``/_dash-update-component`` and fetching files.

A request that a browser showing only Đà Lạt could never send (another unit's code in a
store, a button id of a Bảo Lộc report) is exactly what a curious or hostile user sends.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from ioc import cache
from ioc.auth.user_roles import Role
from ioc.config import Settings
from ioc.store import Store
from ioc.store.models import CitizenReport, Incident
from ioc.store.models_incidents import IncidentEvent
from ioc.web.app import create_app
from testkit.auth_support import callback_body, csrf_headers, router_body, signed_in_client
from tests.reports_support import HO_XUAN_HUONG, jpeg_with_gps
from tests.scope_support import (
    BAO_LOC,
    DA_LAT,
    PHUONG_1_BAO_LOC,
    STREAM_SECRET,
    XUAN_HUONG,
    TwoCities,
    callback_specs,
    output_key,
    pattern_prop,
    seed_two_cities,
)

UPDATE = "/_dash-update-component"


@pytest.fixture
def site(store: Store, tmp_path: Path) -> Iterator[tuple[Any, TwoCities]]:
    cache.invalidate_all()
    seeded = seed_two_cities(store, tmp_path)
    yield create_app(Settings(var_dir=tmp_path), store), seeded


def post(client: FlaskClient, body: dict[str, Any]) -> tuple[int, str]:
    response = client.post(UPDATE, json=body, headers=csrf_headers(client))
    return response.status_code, response.get_data(as_text=True)


def text_of(answer: str) -> str:
    """A callback answer with its JSON escapes undone, as a person would read it."""
    return json.dumps(json.loads(answer), ensure_ascii=False) if answer else ""


def test_forged_unit_in_a_callback_is_refused(site: Any) -> None:
    app, _ = site
    client = signed_in_client(app.server, Role.OPERATOR, DA_LAT)
    key = output_key(app, "unit-map.figure")
    values = {"unit-code": XUAN_HUONG, "shell-lang": "vi", "unit-interval": 1}
    status, mine = post(client, callback_body(app, key, values))
    assert status == 200 and "Khói Đà Lạt" in text_of(mine)
    values["unit-code"] = PHUONG_1_BAO_LOC
    status, forged = post(client, callback_body(app, key, values))
    assert status == 200 and "Không có quyền" in text_of(forged)
    assert "Bảo Lộc" not in text_of(forged) and "CAM-BL" not in forged


def test_forged_report_button_changes_nothing(site: Any, store: Store) -> None:
    app, seeded = site
    client = signed_in_client(app.server, Role.OPERATOR, DA_LAT)
    button = {"report": seeded.report_bl, "to": "in_progress", "type": "reports-action"}
    values = {
        '{"report":["ALL"],"to":["ALL"],"type":"reports-action"}': [(button, 1)],
        "reports-changed": 0,
        "shell-lang": "vi",
    }
    key = output_key(app, "reports-changed.data")
    body = callback_body(app, key, values, [pattern_prop(button, "n_clicks")])
    status, answer = post(client, body)
    assert status == 200 and "không tìm thấy phản ánh" in text_of(answer)
    # A closing step goes through the decision panel: its forged confirmation fails alike.
    confirm = next(
        str(spec["output"])
        for spec in callback_specs(app)
        if "reports-decision.hidden@" in str(spec["output"])
    )
    forged = {
        "reports-decision-confirm": 1,
        "reports-decision-what": {"report": seeded.report_bl, "to": "rejected"},
        "reports-decision-note": "giả mạo",
        "reports-changed": 0,
        "shell-lang": "vi",
    }
    status, answer = post(client, callback_body(app, confirm, forged))
    assert status == 200 and "không tìm thấy phản ánh" in text_of(answer)
    with store.session() as session:
        report = session.get(CitizenReport, seeded.report_bl)
        assert report is not None and report.status == "received"


def test_field_button_acts_as_the_signed_in_user(site: Any, store: Store) -> None:
    app, seeded = site
    client = signed_in_client(app.server, Role.FIELD, DA_LAT)  # user "field.672"
    pattern = '{"action":["ALL"],"incident":["ALL"],"type":"field-action"}'
    key = output_key(app, "field-changed.data")

    def press(incident_id: int, action: str) -> str:
        button = {"action": action, "incident": incident_id, "type": "field-action"}
        values = {pattern: [(button, 1)], "field-changed": 0, "shell-lang": "vi"}
        body = callback_body(app, key, values, [pattern_prop(button, "n_clicks")])
        status, answer = post(client, body)
        assert status == 200, answer
        return text_of(answer)

    assert "Đã ghi nhận" in press(seeded.incident_bl_assigned, "resolve")
    assert "không tìm thấy sự cố" in press(seeded.incident_bl, "acknowledge")
    with store.session() as session:
        assigned = session.get(Incident, seeded.incident_bl_assigned)
        other = session.get(Incident, seeded.incident_bl)
        assert assigned is not None and assigned.status == "resolved"
        assert other is not None and other.status == "new"


def test_field_note_is_saved_and_answered(site: Any, store: Store) -> None:
    """A note (no status change) was saved and then answered 500: its action had no label."""
    app, seeded = site
    client = signed_in_client(app.server, Role.FIELD, DA_LAT)
    button = {"action": "note", "incident": seeded.incident_dl, "type": "field-action"}
    note = {"incident": seeded.incident_dl, "type": "field-note"}
    values = {
        '{"action":["ALL"],"incident":["ALL"],"type":"field-action"}': [(button, 1)],
        '{"incident":["ALL"],"type":"field-note"}': [(note, "Đã tới hiện trường")],
        "field-changed": 0,
        "shell-lang": "vi",
    }
    key = output_key(app, "field-changed.data")
    status, answer = post(
        client, callback_body(app, key, values, [pattern_prop(button, "n_clicks")])
    )
    assert status == 200, answer
    assert "Đã ghi nhận: Ghi chú" in text_of(answer)
    with store.session() as session:
        notes = session.scalars(
            select(IncidentEvent.note).where(IncidentEvent.incident_id == seeded.incident_dl)
        ).all()
    assert "Đã tới hiện trường" in notes


def press_with_photo(app: Any, client: FlaskClient, incident_id: int, photo: bytes) -> str:
    """The field page's acknowledge button pressed with ``photo`` chosen in the upload."""
    button = {"action": "acknowledge", "incident": incident_id, "type": "field-action"}
    upload = {"incident": incident_id, "type": "field-photo"}
    contents = "data:image/jpeg;base64," + base64.b64encode(photo).decode()
    values = {
        '{"action":["ALL"],"incident":["ALL"],"type":"field-action"}': [(button, 1)],
        '{"incident":["ALL"],"type":"field-photo"}': [(upload, contents)],
        "field-changed": 0,
        "shell-lang": "vi",
    }
    key = output_key(app, "field-changed.data")
    status, answer = post(
        client, callback_body(app, key, values, [pattern_prop(button, "n_clicks")])
    )
    assert status == 200, answer
    return text_of(answer)


def test_field_photos_are_reencoded_and_fakes_refused(
    site: Any, store: Store, tmp_path: Path
) -> None:
    """A field photo kept its EXIF GPS, and HTML behind JPEG magic bytes was stored and
    served as image/jpeg (issue #17): now both are decoded and re-encoded, or refused."""
    app, seeded = site
    client = signed_in_client(app.server, Role.FIELD, DA_LAT)
    folder = tmp_path / "snapshots" / "field" / str(seeded.incident_dl)
    before = set(folder.glob("*")) if folder.exists() else set()
    fake = b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>"
    assert "ảnh phải là JPEG" in press_with_photo(app, client, seeded.incident_dl, fake)
    assert (set(folder.glob("*")) if folder.exists() else set()) == before
    photo = jpeg_with_gps(*HO_XUAN_HUONG) + b"<html>trailing</html>"
    assert "Đã ghi nhận" in press_with_photo(app, client, seeded.incident_dl, photo)
    with store.session() as session:
        event = session.scalars(
            select(IncidentEvent).where(IncidentEvent.action == "acknowledge")
        ).one()
    assert event.photo is not None and event.photo.endswith(".jpg")
    stored = (tmp_path / event.photo).read_bytes()
    assert b"Exif" not in stored and b"html" not in stored and stored.startswith(b"\xff\xd8")
    served = client.get(f"/files/{event.photo}")
    assert served.status_code == 200 and served.data == stored


def page_layout(client: FlaskClient, path: str) -> str:
    """What Dash's router renders for a navigation to ``path`` (query included)."""
    pathname, _, query = path.partition("?")
    status, answer = post(client, router_body(pathname, f"?{query}" if query else ""))
    assert status == 200, answer
    return text_of(answer)


def test_page_layouts_refuse_what_the_principal_may_not_open(site: Any) -> None:
    app, _ = site
    client = signed_in_client(app.server, Role.OPERATOR, DA_LAT)
    assert "Không có quyền" in page_layout(client, f"/unit/{PHUONG_1_BAO_LOC}")
    assert "Không có quyền" not in page_layout(client, f"/unit/{XUAN_HUONG}")
    assert "Không có quyền" in page_layout(client, "/wall?unit=673")


def test_files_over_http_follow_the_scope(site: Any) -> None:
    app, seeded = site
    da_lat = signed_in_client(app.server, Role.OPERATOR, DA_LAT)
    bao_loc = signed_in_client(app.server, Role.OPERATOR, BAO_LOC)
    for name, (dl, bl) in {"cam_dl": (200, 404), "cam_bl": (404, 200)}.items():
        url = f"/files/snapshots/{seeded.files[name]}"
        assert (da_lat.get(url).status_code, bao_loc.get(url).status_code) == (dl, bl), name


def test_no_page_or_callback_answer_carries_a_stream_url(site: Any) -> None:
    app, _ = site
    client = signed_in_client(app.server, Role.ADMIN)
    texts = []
    for path in (
        "/",
        "/leader",
        "/kpi",
        "/reports",
        "/field",
        "/wall",
        "/system",
        f"/unit/{XUAN_HUONG}",
        "/_dash-layout",
        "/_dash-dependencies",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        texts.append(response.get_data(as_text=True))
    defaults = {"shell-lang": "vi", "unit-code": XUAN_HUONG}
    answered = 0
    for spec in callback_specs(app):
        if spec["output"].startswith(".._pages_content"):
            body = router_body(f"/unit/{XUAN_HUONG}")
        else:
            body = callback_body(app, spec["output"], defaults)
        status, answer = post(client, body)
        assert status in (200, 204), (spec["output"], status, answer[:300])
        answered += status == 200
        texts.append(text_of(answer))
    assert answered >= 10
    everything = "\n".join(texts)
    assert "Khói Đà Lạt" in everything  # the data is there...
    for secret in (STREAM_SECRET, "rtsp://", "10.1.1.5", "10.1.2.5"):
        assert secret not in everything  # ...the stream URLs never


def test_forged_incident_desk_press_changes_nothing(site: Any, store: Store) -> None:
    """The desk of /unit/<code> over HTTP: another unit's incident is not admitted to exist,
    and a leader's press is refused at the gate (a changing output)."""
    app, seeded = site
    key = output_key(app, "unit-desk-status.children")

    def press(role: Role, unit: str | None, incident_id: int) -> tuple[int, str]:
        client = signed_in_client(app.server, role, unit)
        values = {
            "unit-desk-acknowledge": 1,
            "unit-desk-incident": incident_id,
            "shell-lang": "vi",
        }
        body = callback_body(app, key, values, ["unit-desk-acknowledge.n_clicks"])
        return post(client, body)

    status, answer = press(Role.OPERATOR, DA_LAT, seeded.incident_bl)
    assert status == 200 and "không tìm thấy sự cố" in text_of(answer)
    assert press(Role.LEADER, None, seeded.incident_dl)[0] == 403
    status, answer = press(Role.OPERATOR, DA_LAT, seeded.incident_dl)
    assert status == 200 and "Đã ghi nhận" in text_of(answer)
    with store.session() as session:
        statuses = {i: session.get(Incident, i) for i in (seeded.incident_bl, seeded.incident_dl)}
        assert {i: row.status for i, row in statuses.items() if row} == {
            seeded.incident_bl: "new",
            seeded.incident_dl: "acknowledged",
        }
