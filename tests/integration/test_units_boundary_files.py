"""Boundary files as provinces hold them (shapefile, GeoPackage, KML; VN-2000 or WGS84),
made with geopandas, imported through ``ioc units import`` and stored as WGS84; and
``ioc units compare`` against the stored units (both backends)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import geopandas
import pyproj
import pytest
import shapely

from ioc.cli import main
from ioc.geography.boundary_files import VN2000_TM3_LAM_DONG, read_boundary_file
from ioc.geography.compare import compare_with_store, print_comparison
from ioc.geography.defaults import seed_default_units
from ioc.geography.importer import UnitImportError, import_units
from ioc.store import Store
from ioc.store.cameras import CameraSpec, upsert_cameras
from ioc.store.models import CitizenReport, Incident, SensorReading
from ioc.store.units import unit_at

DAY = date(2025, 7, 1)
WEST = shapely.box(108.40, 11.90, 108.45, 11.95)  # around Hồ Xuân Hương, Đà Lạt
EAST = shapely.box(108.45, 11.90, 108.50, 11.95)
CRSES = {"utm48": "EPSG:3405", "tm3": VN2000_TM3_LAM_DONG}


def _frame() -> geopandas.GeoDataFrame:
    return geopandas.GeoDataFrame(
        {"ma_xa": ["90001", "90002"], "ten_xa": ["Phường Thử Tây", "Phường Thử Đông"]},
        geometry=[WEST, EAST],
        crs="EPSG:4326",
    )


def _write(tmp_path: Path, crs: str, suffix: str) -> Path:
    path = tmp_path / f"xa_{suffix.strip('.')}{suffix}"
    _frame().to_crs(crs).to_file(path)
    return path


@pytest.mark.parametrize("crs", sorted(CRSES))
@pytest.mark.parametrize("suffix", [".shp", ".gpkg"])
def test_vn2000_files_are_stored_as_wgs84(
    store: Store, tmp_path: Path, crs: str, suffix: str
) -> None:
    path = _write(tmp_path, CRSES[crs], suffix)
    # A shapefile's .prj cannot hold the VN-2000 datum shift of a 3° zone: it is named.
    given = "vn2000-lamdong" if (crs, suffix) == ("tm3", ".shp") else None
    records = read_boundary_file(path, "commune", DAY, parent_code="68", source_crs=given)
    assert [r.code for r in records] == ["90001", "90002"]
    assert records[1].name == "Phường Thử Đông" and "reprojected from" in records[0].source
    for record, original in zip(records, (WEST, EAST), strict=True):
        assert shapely.hausdorff_distance(record.geom, original) < 1e-6  # about 0.1 m
    assert import_units(store, records) == 2
    found = unit_at(store, 108.42, 11.92, DAY)
    assert found is not None and found.code == "90001" and not found.approximate
    assert found.geom.bounds == pytest.approx(WEST.bounds, abs=1e-6)


def test_the_vn2000_datum_shift_is_applied(tmp_path: Path) -> None:
    """VN-2000 / UTM 48N and WGS84 / UTM 48N differ by the datum shift (~225 m here): a
    reader that ignored the datum would put every border that far off."""
    vn2000 = _frame().to_crs("EPSG:3405").geometry[0]
    wgs84 = _frame().to_crs("EPSG:32648").geometry[0]
    shift = shapely.Point(vn2000.exterior.coords[0]).distance(
        shapely.Point(wgs84.exterior.coords[0])
    )
    assert 150 < shift < 300
    wrong = tmp_path / "wrong.shp"
    _frame().to_crs("EPSG:3405").set_crs("EPSG:32648", allow_override=True).to_file(wrong)
    misread = read_boundary_file(wrong, "commune", DAY)[0].geom
    assert shapely.hausdorff_distance(misread, WEST) > 0.001  # > 100 m off
    fixed = read_boundary_file(wrong, "commune", DAY, source_crs="vn2000-utm48")[0].geom
    assert shapely.hausdorff_distance(fixed, WEST) < 1e-6


def test_a_zone_shapefile_that_lost_its_datum_shift_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, VN2000_TM3_LAM_DONG, ".shp")
    with pytest.raises(UnitImportError, match="without the VN-2000 datum shift"):
        read_boundary_file(path, "commune", DAY)


def test_a_shapefile_without_prj_needs_crs(tmp_path: Path) -> None:
    path = _write(tmp_path, VN2000_TM3_LAM_DONG, ".shp")
    path.with_suffix(".prj").unlink()
    with pytest.raises(UnitImportError, match="does not say its coordinate system"):
        read_boundary_file(path, "commune", DAY)
    records = read_boundary_file(path, "commune", DAY, source_crs="vn2000-lamdong")
    assert shapely.hausdorff_distance(records[0].geom, WEST) < 1e-6
    with pytest.raises(UnitImportError, match="unknown coordinate system"):
        read_boundary_file(path, "commune", DAY, source_crs="VN-3000")


def test_kml_and_unreadable_files(tmp_path: Path) -> None:
    kml = tmp_path / "xa.kml"
    _frame().to_file(kml, driver="KML")
    records = read_boundary_file(kml, "commune", DAY)
    assert (records[0].code, records[0].name) == ("90001", "Phường Thử Tây")
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(b"not a geopackage")
    with pytest.raises(UnitImportError, match="not a readable boundary file"):
        read_boundary_file(junk, "commune", DAY)
    with pytest.raises(UnitImportError, match="file not found"):
        read_boundary_file(tmp_path / "none.shp", "commune", DAY)


AUGUST = datetime(2025, 8, 1, 3, tzinfo=UTC)


def _report(store: Store, lon: float, lat: float, unit: str) -> None:
    with store.session() as session:
        session.add(
            CitizenReport(
                service_code="khac",
                lon=lon,
                lat=lat,
                geom=shapely.Point(lon, lat),
                unit_code=unit,
                created_at=AUGUST,
                updated_at=AUGUST,
            )
        )


def _incident(store: Store, lon: float, lat: float, unit: str, at: datetime = AUGUST) -> None:
    with store.session() as session:
        session.add(
            Incident(
                kind="smoke",
                severity="high",
                status="new",
                title="khói",
                unit_code=unit,
                lon=lon,
                lat=lat,
                geom=shapely.Point(lon, lat),
                opened_at=at,
                updated_at=at,
                member_count=1,
                escalation_level=0,
            )
        )


def _reading(store: Store, station: str, lon: float, lat: float, at: datetime = AUGUST) -> None:
    with store.session() as session:
        session.add(
            SensorReading(
                msg_id=f"{station}-{at.isoformat()}",
                station_id=station,
                quantity="rain_mm",
                value=1.0,
                lon=lon,
                lat=lat,
                observed_at=at,
            )
        )


def test_compare_reports_differences_and_every_kind_of_moving_record(
    store: Store, tmp_path: Path
) -> None:
    """Reports, incidents, cameras and sensor stations whose point would change unit are
    counted per kind, with examples; those that stay, or fall outside the period, are not."""
    seed_default_units(store)
    stored = unit_at(store, 108.42, 11.92, DAY)
    assert stored is not None
    frame = _frame()
    frame.loc[0, "ma_xa"] = stored.code  # the file's western unit has a stored namesake
    path = tmp_path / "official.gpkg"
    frame.to_crs("EPSG:3405").to_file(path)
    records = read_boundary_file(path, "commune", DAY)
    _report(store, 108.42, 11.92, stored.code)
    _incident(store, 108.42, 11.92, stored.code)
    _reading(store, "STAYS", 108.42, 11.92)
    with store.session() as session:
        comparison = compare_with_store(session, records, DAY, None, today=date(2025, 9, 1))
    assert comparison.missing == ["90002"] and len(comparison.extra) == 123
    west = next(u for u in comparison.units if u.code == stored.code)
    assert 0 < west.shared <= 1 and west.official_km2 == pytest.approx(29.9, abs=1)
    assert [(k.kind, k.checked, k.moved) for k in comparison.records] == [
        ("report", 1, []),
        ("incident", 1, []),
        ("camera", 0, []),
        ("station", 1, []),
    ]
    # Routed to the stored unit, officially in EAST (108.47 is east of 108.45):
    _report(store, 108.47, 11.92, stored.code)
    _incident(store, 108.47, 11.92, stored.code)
    _incident(store, 108.47, 11.92, stored.code, datetime(2025, 6, 1, tzinfo=UTC))  # before
    with store.session() as session:
        upsert_cameras(session, [CameraSpec("CAM-E", "Đồi Đông", 108.47, 11.92, stored.code)])
    _reading(store, "MOVES", 108.47, 11.92)
    _reading(store, "FAR", 110.5, 11.92)  # in no stored unit: not this level's business
    with store.session() as session:
        comparison = compare_with_store(session, records, DAY, None, today=date(2025, 9, 1))
        closed = compare_with_store(session, records, DAY, date(2025, 7, 31), date(2025, 9, 1))
    moves = {k.kind: k for k in comparison.records}
    assert {kind: (k.checked, len(k.moved)) for kind, k in moves.items()} == {
        "report": (2, 1),
        "incident": (2, 1),
        "camera": (1, 1),
        "station": (2, 1),
    }
    for kind, ident in (("camera", "CAM-E"), ("station", "MOVES")):
        (record,) = moves[kind].moved
        assert (record.id, record.stored_unit, record.official_unit) == (
            ident,
            stored.code,
            "90002",
        )
    assert moves["camera"].moved[0].day is None and moves["report"].moved[0].day == AUGUST.date()
    assert all(k.checked == 0 for k in closed.records)  # a July-only file: nothing of August


def test_compare_prints_every_kind(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_default_units(store)
    stored = unit_at(store, 108.42, 11.92, DAY)
    assert stored is not None
    frame = _frame()
    frame.loc[0, "ma_xa"] = stored.code
    path = tmp_path / "official.gpkg"
    frame.to_file(path)
    _incident(store, 108.47, 11.92, stored.code)
    with store.session() as session:
        comparison = compare_with_store(
            session, read_boundary_file(path, "commune", DAY), DAY, None
        )
    print_comparison(comparison, 5)
    out = capsys.readouterr().out
    assert "records that would move: 1" in out
    assert "incidents that would move: 1 of 1" in out and "reports that would move: 0 of 0" in out
    assert "cameras that would move: 0 of 0" in out and "stations that would move: 0 of 0" in out
    assert f": {stored.code} → 90002" in out


def test_cli_imports_a_vn2000_shapefile_and_compares(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IOC_DATABASE__URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert main(["db", "upgrade"]) == 0
    assert main(["units", "seed"]) == 0
    shp = _write(tmp_path, VN2000_TM3_LAM_DONG, ".shp")
    common = ["--level", "commune", "--valid-from", "2025-07-01"]
    capsys.readouterr()
    common = [*common, "--crs", "vn2000-lamdong"]
    assert main(["units", "compare", str(shp), *common]) == 0
    out = capsys.readouterr().out
    assert "area agreement" in out and "90001" in out and "reports that would move: 0" in out
    assert main(["units", "import", str(shp), *common, "--parent", "68"]) == 0
    assert "imported 2 commune units" in capsys.readouterr().out
    assert main(["units", "locate", "108.47", "11.92", "--at", "2026-01-01"]) == 0
    assert "90002" in capsys.readouterr().out
    assert main(["units", "import", str(shp), *common[:4], "--crs", "EPSG:99999"]) == 1
    assert "unknown coordinate system" in capsys.readouterr().err


def test_the_lam_dong_zone_agrees_with_epsg_vn2000() -> None:
    """Our TM-3 string (107°45', k 0.9999) lands where EPSG's VN-2000 → WGS 84 (2) does."""
    plane = pyproj.CRS.from_proj4(
        "+proj=tmerc +lat_0=0 +lon_0=107.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m"
    )
    to_vn2000_degrees = pyproj.Transformer.from_crs(plane, plane.geodetic_crs, always_xy=True)
    via_epsg = pyproj.Transformer.from_crs("EPSG:4756", "EPSG:4326", always_xy=True)
    ours = pyproj.Transformer.from_crs(VN2000_TM3_LAM_DONG, "EPSG:4326", always_xy=True)
    for x, y in ((576_000.0, 1_316_000.0), (450_000.0, 1_250_000.0)):
        expected = via_epsg.transform(*to_vn2000_degrees.transform(x, y))
        assert ours.transform(x, y) == pytest.approx(expected, abs=1e-8)
