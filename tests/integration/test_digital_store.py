"""The digital board's store on both backends (embedded SQLite and real PostGIS): the
import with its sources, idempotence, values per unit against province-wide ones, refused
files, the connectors' entry point and the CLI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ioc.cli import main
from ioc.digital.board import board
from ioc.digital.catalogue import SAMPLE_FILE, store_catalogue
from ioc.digital.importer import ValueFileError, import_values
from ioc.digital.values import MissingSourceError, Outcome, Source, record_indicator_value
from ioc.store import Store
from ioc.store.models_digital import DigitalSource, DigitalValue
from tests.kpi_helpers import seed_units

HEADER = "indicator,unit,period,value,source_title,source_publisher,source_date,source_url,note\n"
SOURCE = Source("Đẩy nhanh Chương trình Chuyển đổi số", "Báo Lâm Đồng", "2023-02-01")


def counts(store: Store) -> tuple[int, int]:
    with store.engine.connect() as conn:
        values = conn.scalar(select(func.count()).select_from(DigitalValue))
        sources = conn.scalar(select(func.count()).select_from(DigitalSource))
    return int(values or 0), int(sources or 0)


def sample_units(store: Store) -> None:
    """672 (Đà Lạt) from the KPI helpers and 675 (Lạc Dương), which the sample names."""
    seed_units(store)
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO admin_units (code, name, level, unit_type, parent_code, valid_from,"
            " center_lon, center_lat, min_lon, min_lat, max_lon, max_lat, approximate, source,"
            " geom) SELECT '675', 'Huyện Lạc Dương', level, unit_type, parent_code, valid_from,"
            " center_lon, center_lat, min_lon, min_lat, max_lon, max_lat, approximate, source,"
            " geom FROM admin_units WHERE code = '673'"
        )


def test_sample_import_is_idempotent_and_names_every_source(store: Store) -> None:
    sample_units(store)
    first = import_values(store, SAMPLE_FILE)
    assert first.outcomes[Outcome.INSERTED] == 12 and first.sources == 3
    again = import_values(store, SAMPLE_FILE)
    assert again.outcomes == {Outcome.UNCHANGED: 12}
    assert counts(store) == (12, 3)
    with store.engine.connect() as conn:
        orphans = conn.scalar(
            select(func.count())
            .select_from(DigitalValue)
            .where(DigitalValue.source_id.not_in(select(DigitalSource.id)))
        )
    assert orphans == 0


def test_values_per_unit_and_province_wide(store: Store) -> None:
    sample_units(store)
    import_values(store, SAMPLE_FILE)
    with store.engine.connect() as conn:
        views = {v.indicator.code: v for vs in board(conn).values() for v in vs}
    iocs = views["ioc_centres"]
    assert iocs.latest is not None and iocs.latest.value == 2.0 and iocs.latest.unit_code is None
    assert [(u.unit_name, u.figure.value) for u in iocs.units] == [
        ("Thành phố Đà Lạt", 1.0),
        ("Huyện Lạc Dương", 1.0),
    ]
    coverage = views["mobile_broadband_coverage"]
    assert [(f.period, f.value) for f in coverage.series] == [("2022", 96.0), ("2023", 100.0)]
    assert coverage.series[0].source.publisher == "Báo Lâm Đồng"
    assert coverage.series[1].source.publisher == "Báo Đắk Nông"
    assert views["bts_5g_stations"].empty and views["bts_5g_stations"].latest is None
    assert views["dvc_online_rate"].units == ()


def test_a_file_with_a_sourceless_row_stores_nothing(store: Store, tmp_path: Path) -> None:
    sample_units(store)
    path = tmp_path / "values.csv"
    path.write_text(
        HEADER
        + "bts_stations,,2024,1740,Một bài báo,Báo X,2024-12-01,,\n"
        + "bts_5g_stations,,2024,117,,,,,\n"
        + "ioc_centres,999,2022,1,Một bài báo,Báo X,2024-12-01,,\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueFileError) as refused:
        import_values(store, path)
    assert refused.value.problems == [
        "line 3 [bts_5g_stations]: refused, no source — missing or bad source_title, "
        "source_publisher, source_date (YYYY-MM-DD or YYYY-MM)"
    ]
    path.write_text(HEADER + "ioc_centres,999,2022,1,Một bài báo,Báo X,2024-12-01,,\n")
    with pytest.raises(ValueFileError, match=r"line 2 \[ioc_centres\]: unknown unit '999'"):
        import_values(store, path)
    assert counts(store)[0] == 0


def test_excel_file_imports_like_csv(store: Store, tmp_path: Path) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    sample_units(store)
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["bts_stations", None, 2024, 1740, "Tiêu đề", "Báo Y", "2024-12", None, None])
    sheet.append(["ioc_centres", "672", "2022", 1, "Tiêu đề", "Báo Y", "2024-12", "https://y", ""])
    book.save(tmp_path / "values.xlsx")
    result = import_values(store, tmp_path / "values.xlsx")
    assert result.outcomes == {Outcome.INSERTED: 2} and result.sources == 1
    assert counts(store) == (2, 1)


def test_record_indicator_value_contract(store: Store) -> None:
    sample_units(store)
    with store.engine.begin() as conn:
        store_catalogue(conn)
    engine = store.engine
    assert record_indicator_value(engine, "bts_stations", None, "2024", 1740, SOURCE) is (
        Outcome.INSERTED
    )
    assert record_indicator_value(engine, "bts_stations", "", "2024", 1740.0, SOURCE) is (
        Outcome.UNCHANGED
    )
    with store.session() as session:  # inside the caller's transaction
        outcome = record_indicator_value(session, "bts_stations", None, "2024", 1750, SOURCE)
    assert outcome is Outcome.UPDATED
    with engine.begin() as conn:
        record_indicator_value(conn, "bts_stations", "672", "2024", 300, SOURCE, note="Đà Lạt")
    assert counts(store) == (2, 1)
    with pytest.raises(MissingSourceError):
        record_indicator_value(engine, "bts_5g_stations", None, "2024", 117, None)
    with pytest.raises(MissingSourceError):
        record_indicator_value(engine, "bts_5g_stations", None, "2024", 117, Source("T", "", ""))
    with pytest.raises(ValueError, match="unknown indicator"):
        record_indicator_value(engine, "nope", None, "2024", 1, SOURCE)
    with pytest.raises(ValueError, match="not a year"):
        record_indicator_value(engine, "bts_stations", None, "2024-07", 1, SOURCE)
    assert counts(store) == (2, 1)


def test_cli_import_refuses_then_imports(
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in list(os.environ):
        if name.startswith("IOC_") and not name.startswith("IOC_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("IOC_DATABASE__URL", store.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("IOC_VAR_DIR", str(tmp_path / "var"))
    sample_units(store)
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "bts_stations,,2024,1740,,Báo X,2024-12-01,,\n", encoding="utf-8")
    assert main(["digital", "import", str(bad)]) == 1
    assert "line 2 [bts_stations]: refused, no source" in capsys.readouterr().err
    assert main(["digital", "import", str(SAMPLE_FILE)]) == 0
    assert main(["digital", "import", str(SAMPLE_FILE)]) == 0
    out = capsys.readouterr().out
    assert "12 mới / new" in out and "12 không đổi / unchanged" in out
    assert counts(store) == (12, 3)
