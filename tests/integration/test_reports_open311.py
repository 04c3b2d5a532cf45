"""Contract tests of the Open311 GeoReport v2 API on both backends (Flask test client)."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from sqlalchemy import select

from ioc.store import Store
from ioc.store.models import CitizenReport
from ioc.store.models_reports import ReportContact, ReportStatusChange
from ioc.timeutil import utcnow
from tests.reports_support import (
    HANOI,
    HO_XUAN_HUONG,
    client,
    jpeg,
    jpeg_with_gps,
    outside_the_province,
    png,
    seed,
)

V2 = "/open311/v2"
CONTACT = {"first_name": "Lan", "last_name": "Nguyễn", "email": "lan@example.vn", "phone": "0909"}


@pytest.fixture
def api(store: Store, tmp_path: Path) -> Any:
    seed(store)
    return client(store, tmp_path)


def post(api: Any, **form: Any) -> Any:
    data = {"service_code": "trat_tu_do_thi", "description": "Lấn chiếm vỉa hè", **form}
    return api.post(f"{V2}/requests.json", data=data, content_type="multipart/form-data")


def error_of(response: Any, code: int) -> str:
    assert response.status_code == code, response.get_data(as_text=True)
    body = response.get_json()
    assert isinstance(body, list) and body[0]["code"] == code
    return str(body[0]["description"])


def test_services_and_definition(api: Any) -> None:
    services = api.get(f"{V2}/services.json").get_json()
    codes = [s["service_code"] for s in services]
    assert codes[0] == "trat_tu_xay_dung" and "quan_ly_bao_ve_rung" in codes and len(codes) == 9
    assert services[0]["service_name"] == "Trật tự xây dựng"
    english = api.get(f"{V2}/services.json?lang=en").get_json()
    assert english[0]["service_name"] == "Construction order"
    definition = api.get(f"{V2}/services/moi_truong.json").get_json()
    assert definition["service_code"] == "moi_truong"
    assert definition["attributes"][0]["code"] == "landmark"
    error_of(api.get(f"{V2}/services/nope.json"), 404)
    xml = api.get(f"{V2}/services.xml")
    assert xml.mimetype == "application/xml" and b"<service_code>khac</service_code>" in xml.data


def test_create_and_read_back_without_contact_data(api: Any, store: Store) -> None:
    lon, lat = HO_XUAN_HUONG
    created = post(api, lat=str(lat), long=str(lon), **CONTACT)
    assert created.status_code == 201, created.get_data(as_text=True)
    request_id = created.get_json()[0]["service_request_id"]
    one = api.get(f"{V2}/requests/{request_id}.json")
    assert one.status_code == 200
    body = one.get_json()[0]
    assert body["status"] == "open" and body["long"] == pytest.approx(lon)
    assert body["agency_responsible"].startswith("Phòng Quản lý đô thị Phường Xuân Hương")
    assert body["requested_datetime"].endswith("+07:00") and body["expected_datetime"]
    text = one.get_data(as_text=True) + api.get(f"{V2}/requests.json").get_data(as_text=True)
    for private in CONTACT.values():
        assert private not in text
    with store.session() as session:
        contact = session.get(ReportContact, int(request_id))
        assert contact is not None and contact.email == "lan@example.vn"
        changes = session.scalars(select(ReportStatusChange)).all()
        assert [(c.from_status, c.to_status) for c in changes] == [(None, "received")]


def test_second_report_nearby_is_flagged_as_likely_duplicate(api: Any) -> None:
    lon, lat = HO_XUAN_HUONG
    first = post(api, lat=str(lat), long=str(lon)).get_json()[0]["service_request_id"]
    second = post(api, lat=str(lat + 0.0002), long=str(lon)).get_json()[0]
    assert f"#{first}" in second["service_notice"]
    other = post(api, service_code="moi_truong", lat=str(lat), long=str(lon)).get_json()[0]
    assert other["service_notice"] == ""


def test_photo_is_reencoded_and_exif_gps_gives_the_location(api: Any, store: Store) -> None:
    lon, lat = HO_XUAN_HUONG
    photo = jpeg_with_gps(lon, lat) + b"PAYLOAD-AFTER-EOI"
    created = post(api, media=(io.BytesIO(photo), "anh.jpg"))
    assert created.status_code == 201, created.get_data(as_text=True)
    request_id = created.get_json()[0]["service_request_id"]
    body = api.get(f"{V2}/requests/{request_id}.json").get_json()[0]
    assert body["lat"] == pytest.approx(lat, abs=1e-4)
    assert body["long"] == pytest.approx(lon, abs=1e-4)
    served = api.get(body["media_url"].replace("http://localhost", ""))
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert b"Exif" not in served.data and b"PAYLOAD" not in served.data
    decoded = cv2.imdecode(np.frombuffer(served.data, np.uint8), cv2.IMREAD_COLOR)
    assert decoded is not None and decoded.shape[:2] == (48, 64)


def test_photo_downloads_with_the_default_relative_var_dir(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`python app.py` runs with ``var_dir=var``: the media URL of a stored photo answers
    with the photo (it answered 500, resolved from Flask's package folder)."""
    seed(store)
    monkeypatch.chdir(tmp_path)
    api = client(store, Path("var"))
    lon, lat = HO_XUAN_HUONG
    created = post(api, lat=str(lat), long=str(lon), media=(io.BytesIO(jpeg()), "a.jpg"))
    request_id = created.get_json()[0]["service_request_id"]
    body = api.get(f"{V2}/requests/{request_id}.json").get_json()[0]
    served = api.get(body["media_url"].replace("http://localhost", ""))
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert list((tmp_path / "var" / "uploads").glob("*.jpg"))


def test_png_upload_and_address_only_location(api: Any) -> None:
    created = post(
        api,
        address_string="12 Trần Phú, Phường Xuân Hương, Đà Lạt",
        media=(io.BytesIO(png()), "a.png"),
    )
    assert created.status_code == 201, created.get_data(as_text=True)


def test_missing_and_unknown_service_code(api: Any) -> None:
    lon, lat = HO_XUAN_HUONG
    missing = api.post(f"{V2}/requests.json", data={"lat": str(lat), "long": str(lon)})
    assert "service_code" in error_of(missing, 400)
    assert "not found" in error_of(post(api, service_code="xyz", lat="11.9", long="108.4"), 404)


@pytest.mark.parametrize(
    ("lat", "lon"), [("abc", "108.4"), ("11.9", ""), ("95", "108.4"), ("11.9", "nan")]
)
def test_bad_coordinates(api: Any, lat: str, lon: str) -> None:
    error_of(post(api, lat=lat, long=lon), 400)


def test_no_location_at_all(api: Any) -> None:
    assert "location" in error_of(post(api), 400)


def test_coordinates_outside_the_province(api: Any, tmp_path: Path) -> None:
    lon, lat = HANOI
    assert "outside" in error_of(
        post(api, lat=str(lat), long=str(lon), media=(io.BytesIO(jpeg()), "a.jpg")), 422
    )
    assert not list((tmp_path / "uploads").glob("*.jpg"))


def test_oversized_upload(api: Any) -> None:
    lon, lat = HO_XUAN_HUONG
    big = jpeg() + b"\0" * (5 * 1024 * 1024)
    response = post(api, lat=str(lat), long=str(lon), media=(io.BytesIO(big), "big.jpg"))
    error_of(response, 413)


def test_non_image_upload_named_jpg(api: Any) -> None:
    lon, lat = HO_XUAN_HUONG
    pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF"
    response = post(api, lat=str(lat), long=str(lon), media=(io.BytesIO(pdf), "anh.jpg"))
    assert "JPEG or PNG" in error_of(response, 415)


def test_query_filters_and_range_limit(api: Any) -> None:
    lon, lat = HO_XUAN_HUONG
    ids = [
        post(api, service_code=code, lat=str(lat + n * 0.01), long=str(lon)).get_json()[0][
            "service_request_id"
        ]
        for n, code in enumerate(("moi_truong", "khac", "moi_truong"))
    ]
    by_code = api.get(f"{V2}/requests.json?service_code=moi_truong").get_json()
    assert sorted(r["service_request_id"] for r in by_code) == sorted([ids[0], ids[2]])
    by_id = api.get(f"{V2}/requests.json?service_request_id={ids[1]},{ids[2]}").get_json()
    assert sorted(r["service_request_id"] for r in by_id) == sorted(ids[1:])
    assert api.get(f"{V2}/requests.json?status=closed").get_json() == []
    assert len(api.get(f"{V2}/requests.json?status=open").get_json()) == 3
    now = utcnow()
    start, end = (now - timedelta(days=91)).isoformat(), now.isoformat()
    assert "90 days" in error_of(
        api.get(f"{V2}/requests.json", query_string={"start_date": start, "end_date": end}), 400
    )
    error_of(api.get(f"{V2}/requests.json?start_date=yesterday"), 400)
    error_of(api.get(f"{V2}/requests.json?status=maybe"), 400)
    error_of(api.get(f"{V2}/requests/999999.json"), 404)
    error_of(api.get(f"{V2}/requests/abc.json"), 404)
    xml = api.get(f"{V2}/requests/{ids[0]}.xml")
    assert b"<service_requests><request>" in xml.data


def test_stored_row_has_unit_agency_and_deadlines(api: Any, store: Store) -> None:
    lon, lat = HO_XUAN_HUONG
    post(api, service_code="an_toan_giao_thong_an_ninh", lat=str(lat), long=str(lon))
    with store.session() as session:
        report = session.scalars(select(CitizenReport)).one()
    assert report.unit_code == "24781" and report.agency.startswith("Công an Phường")
    assert report.onsite_due_at is not None and report.result_due_at is not None
    assert report.result_due_at - report.created_at == timedelta(hours=6)


def test_published_texts_mask_contacts_typed_into_them(api: Any, store: Store) -> None:
    lon, lat = HO_XUAN_HUONG
    created = post(
        api,
        lat=str(lat),
        long=str(lon),
        description="Rác đầy ngõ, gọi số 0909 123 456 hoặc lan@example.vn",
        address_string="Ngõ 12 Trần Phú, SĐT nhà +84 263 3822 111",
        **CONTACT,
    )
    request_id = created.get_json()[0]["service_request_id"]
    with store.session() as session:
        row = session.get(CitizenReport, int(request_id))
        assert row is not None and "0909 123 456" in row.description  # staff still see it
        row.status_notes = "Đã gọi lại số 0909123456"
    for url in (f"{V2}/requests/{request_id}.json", f"{V2}/requests.json", f"{V2}/requests.xml"):
        answer = api.get(url)
        text = answer.get_data(as_text=True) if url.endswith(".xml") else str(answer.get_json())
        assert "Rác đầy ngõ, gọi số *** hoặc ***" in text
        assert "Ngõ *** Trần Phú, SĐT nhà ***" in text and "Đã gọi lại số ***" in text
        for private in ("0909", "lan@example.vn", "3822", *CONTACT.values()):
            assert private not in text, (url, private)


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/requests.json?service_request_id=99999999999", 400),
        ("/requests.json?service_request_id=%C2%B2", 400),  # '²' is a digit to str.isdigit
        ("/requests.json?service_code=moi_truong%00", 400),
        ("/requests.json?start_date=9999-12-31T23:59:59", 400),
        ("/requests.json?end_date=0001-01-01T00:00:00", 400),
        ("/requests/99999999999.json", 404),
        ("/requests/%C2%B2.json", 404),
    ],
)
def test_out_of_range_query_values_are_client_errors(api: Any, url: str, code: int) -> None:
    error_of(api.get(V2 + url), code)


def test_a_citizen_just_past_the_approximate_border_is_not_refused(api: Any, store: Store) -> None:
    """Between approximate cells or a few km past the outline: the nearest unit, flagged."""
    lon, lat = outside_the_province(3.0)
    created = post(api, lat=str(lat), long=str(lon))
    assert created.status_code == 201, created.get_data(as_text=True)
    request_id = int(created.get_json()[0]["service_request_id"])
    with store.session() as session:
        report = session.get(CitizenReport, request_id)
        assert report is not None and report.unit_code and report.unit_nearest
    far_lon, far_lat = outside_the_province(20.0)
    assert "outside the province" in error_of(post(api, lat=str(far_lat), long=str(far_lon)), 422)
