"""The ``indicator_value`` target over real HTTP on both backends: figures pulled with their
sources land on the digital board; a record without a source, with an unknown indicator or
a non-number is dead-lettered with its reason; a second poll stores nothing twice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select

from ioc.config.connectors import ConnectorSettings
from ioc.connectors.runner import SourcePoller
from ioc.connectors.service import checked_sources
from ioc.digital.catalogue import store_catalogue
from ioc.sim.lgsp import FakeLgspServer
from ioc.store import Store
from ioc.store.models_connectors import ConnectorDeadLetter
from ioc.store.models_digital import DigitalSource, DigitalValue

TOKEN = "lgsp-indicator-token"
FAST = ConnectorSettings(timeout_s=0.5, retries=2, backoff_s=0.01, backoff_max_s=0.02)
ARTICLE = {
    "TieuDe": "Lâm Đồng đẩy mạnh chuyển đổi số",
    "NguonTin": "Báo Lâm Đồng",
    "NgayDang": "2024-03-15",
}


def figure(n: int, code: str, value: Any, **extra: Any) -> dict[str, Any]:
    return {
        "Ma": f"F{n}",
        "MaChiTieu": code,
        "Ky": "2023",
        "GiaTri": value,
        "NgayCapNhat": f"2024-03-{10 + n:02d}T08:00:00+07:00",
        **ARTICLE,
        **extra,
    }


RECORDS = [
    figure(1, "bts_stations", 1700),
    figure(2, "digital_certificates", "3143"),
    figure(3, "bts_5g_stations", 90, TieuDe=""),  # no source title: refused
    figure(4, "no_such_indicator", 5),
    figure(5, "video_conference_sites", "nhiều"),
]


@pytest.fixture
def fake() -> Iterator[FakeLgspServer]:
    server = FakeLgspServer(RECORDS, TOKEN).start()
    yield server
    server.stop()


def poller(store: Store, tmp_path: Path, url: str) -> SourcePoller:
    (tmp_path / "token").write_text(TOKEN, encoding="utf-8")
    source = {
        "name": "lgsp-chuyen-doi-so",
        "url": url,
        "target": "indicator_value",
        "auth": {"kind": "bearer", "secret_file": "token"},
        "records": "data.items",
        "paging": {"kind": "page", "page_param": "page", "size_param": "size", "size": 2},
        "id_field": "Ma",
        "cursor": {"field": "NgayCapNhat", "param": "tu_ngay"},
        "fields": {
            "indicator_code": "MaChiTieu",
            "period": "Ky",
            "value": "GiaTri",
            "source_title": "TieuDe",
            "source_publisher": "NguonTin",
            "source_date": "NgayDang",
        },
    }
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": [source]}, allow_unicode=True), encoding="utf-8")
    [spec] = checked_sources(path)
    return SourcePoller(store, spec, FAST)


def test_figures_land_with_their_source_and_bad_ones_are_dead_lettered(
    store: Store, fake: FakeLgspServer, tmp_path: Path
) -> None:
    with store.engine.begin() as conn:
        store_catalogue(conn)
    result = poller(store, tmp_path, fake.url).poll()
    assert result.error == ""
    assert (result.records, result.stored) == (5, 2)
    with store.session() as session:
        stored = {
            code: value
            for code, value in session.execute(
                select(DigitalValue.indicator_code, DigitalValue.value)
            )
        }
        publishers = set(session.scalars(select(DigitalSource.publisher)))
        reasons = {
            record: reason
            for record, reason in session.execute(
                select(ConnectorDeadLetter.record_id, ConnectorDeadLetter.reason)
            )
        }
    assert stored == {"bts_stations": 1700, "digital_certificates": 3143}
    assert publishers == {"Báo Lâm Đồng"}
    assert set(reasons) == {"F3", "F4", "F5"}
    assert "source_title" in reasons["F3"]
    assert "unknown indicator 'no_such_indicator'" in reasons["F4"]
    assert "not a number" in reasons["F5"]

    again = poller(store, tmp_path, fake.url).poll()
    assert again.error == "" and again.stored == 0
    with store.session() as session:
        assert session.scalar(select(func.count(DigitalValue.id))) == 2
