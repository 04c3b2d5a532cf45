"""The KPI page's callbacks and report downloads, through the real app and store."""

from __future__ import annotations

import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest

from ioc.config import Settings
from ioc.kpi.dossiers import upsert_dossiers
from ioc.store import Store, open_store
from ioc.store.migrate import upgrade
from ioc.web.app import create_app
from testkit.auth_support import signed_in_client
from tests.kpi_helpers import dossier, local, seed_units


@pytest.fixture
def client(tmp_path: Path):
    store: Store = open_store(f"sqlite:///{tmp_path / 'ioc.db'}")
    upgrade(store)
    seed_units(store)
    with store.session() as session:
        upsert_dossiers(
            session,
            [
                dossier(
                    "R1",
                    "24778",
                    local(2026, 10, 1),
                    channel="online",
                    rating=5,
                    due_at=local(2026, 10, 5),
                    finished_at=local(2026, 10, 2),
                ),
                dossier(
                    "R2",
                    "24781",
                    local(2026, 10, 1),
                    finished_at=local(2026, 10, 9),
                    due_at=local(2026, 10, 5),
                ),
            ],
            False,
        )
    app = create_app(Settings(var_dir=tmp_path), store)
    yield signed_in_client(app.server)  # province-wide: every unit's report
    store.dispose()


def test_printable_report_page(client) -> None:
    page = client.get("/kpi/report/24778/2026-10")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "@media print" in html
    assert "Phường Xuân Hương - Đà Lạt" in html and "Tiến độ, kết quả giải quyết" in html
    english = client.get("/kpi/report/province/2026-10?lang=en").get_data(as_text=True)
    assert "Progress and results" in english and "no data" in english
    assert client.get("/kpi/report/nowhere/2026-10").status_code == 404
    assert client.get("/kpi/report/24778/october").status_code == 404


def test_csv_and_excel_downloads(client) -> None:
    csv = client.get("/kpi/report/24781/2026-10?format=csv")
    assert csv.headers["Content-Disposition"].endswith('kpi-24781-2026-10.csv"')
    text = csv.get_data().decode("utf-8-sig")
    assert "Hồ sơ giải quyết trước và đúng hạn" in text and "0/1" in text
    assert "chưa có số liệu" in text  # e.g. electronic certified copies: no source, not 0
    xlsx = client.get("/kpi/report/24781/2026-10?format=xlsx")
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    sheet = load_workbook(BytesIO(xlsx.get_data())).active
    assert sheet["A1"].value == "Phường Lâm Viên - Đà Lạt"


def test_pdf_report_follows_decree_30(client) -> None:
    pdf = client.get("/kpi/report/24778/2026-10?format=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].endswith('kpi-24778-2026-10.pdf"')
    body = pdf.get_data()
    assert body.startswith(b"%PDF-")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed to read the PDF back")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=body, capture_output=True, check=True
    ).stdout.decode("utf-8")
    for part in (
        "UBND TỈNH LÂM ĐỒNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: ",
        "Lâm Đồng, ngày",
        "BÁO CÁO",
        "tháng 10 năm 2026",
        "Phường Xuân Hương - Đà Lạt",
        "Nơi nhận:",
        "GIÁM ĐỐC",
        "Hồ sơ được đồng bộ trạng thái",
        "số hồ sơ tiếp nhận",
        "chưa có số liệu",
    ):
        assert part in text, part
