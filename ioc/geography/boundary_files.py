"""Boundary files as provinces hold them: shapefile, GeoPackage, KML or GeoJSON, any CRS.

Vietnamese cadastral and planning offices keep boundaries in VN-2000, most often in the
province's own 3° transverse Mercator zone (for Lâm Đồng: central meridian 107°45',
scale 0.9999), sometimes in VN-2000 / UTM 48N (EPSG:3405) or plain VN-2000 degrees
(EPSG:4756). geopandas (GDAL through pyogrio) reads the file, pyproj reprojects it to
WGS84 with the VN-2000 datum shift, and the checks of :mod:`ioc.geography.importer`
apply to every feature, so a bad file still stops with one message and writes nothing.

A WGS84 GeoJSON (no ``crs`` member, or CRS84/EPSG:4326) keeps the strict JSON reader.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import geopandas
import pyproj
from pyproj.exceptions import CRSError

from ioc.geography.importer import (
    WGS84_NAMES,
    UnitImportError,
    check_level_and_dates,
    read_units_geojson,
    records_from_features,
)
from ioc.store.units import UnitRecord

# VN-2000 → WGS84: the seven parameters of Quyết định 05/2007/QĐ-BTNMT, as EPSG's
# "VN-2000 to WGS 84 (2)" has them (coordinate-frame rotations -0.00928836", 0.01975479",
# -0.00427372"); +towgs84 takes position-vector rotations, so their signs are flipped here.
VN2000_TOWGS84 = (
    "-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278"
)
# VN-2000, Lâm Đồng's 3° zone (kinh tuyến trục 107°45', Thông tư 973/2001/TT-TCĐC).
VN2000_TM3_LAM_DONG = (
    "+proj=tmerc +lat_0=0 +lon_0=107.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 "
    f"+towgs84={VN2000_TOWGS84} +units=m +no_defs +type=crs"
)
CRS_ALIASES = {
    "vn2000-lamdong": VN2000_TM3_LAM_DONG,
    "vn2000-utm48": "EPSG:3405",
    "vn2000": "EPSG:4756",
}
JSON_SUFFIXES = (".geojson", ".json")
VN2000_ZONE_SCALE = 0.9999


def read_boundary_file(
    path: str | Path,
    level: str,
    valid_from: date,
    valid_to: date | None = None,
    *,
    code_field: str | None = None,
    name_field: str | None = None,
    parent_code: str | None = None,
    source_crs: str | None = None,
    layer: str | None = None,
) -> list[UnitRecord]:
    """Read any boundary file into checked WGS84 records; :class:`UnitImportError` if bad.

    ``source_crs`` (an EPSG code, a proj string or one of :data:`CRS_ALIASES`) is needed
    when the file does not say its CRS (a shapefile without ``.prj``); given, it overrides
    what the file says (like ``ogr2ogr -s_srs``: VN-2000 files often carry a wrong ``.prj``).
    """
    path = Path(path)
    check_level_and_dates(path, level, valid_from, valid_to)
    fields: dict[str, Any] = {
        "code_field": code_field,
        "name_field": name_field,
        "parent_code": parent_code,
    }
    if source_crs is None and _plain_wgs84_geojson(path):
        return read_units_geojson(path, level, valid_from, valid_to, **fields)
    frame = _read_frame(path, layer)
    crs = _crs_of(path, frame, source_crs)
    wgs84 = frame.set_crs(crs, allow_override=True).to_crs(4326)
    features = json.loads(wgs84.to_json(na="null"))["features"]
    note = "" if crs.equals(pyproj.CRS.from_epsg(4326)) else f", reprojected from {crs.name}"
    return records_from_features(path, features, level, (valid_from, valid_to), note=note, **fields)


def parse_crs(text: str) -> pyproj.CRS:
    """A CRS from an alias, an EPSG code or a proj/WKT string; :class:`UnitImportError`."""
    try:
        return pyproj.CRS.from_user_input(CRS_ALIASES.get(text.strip().lower(), text))
    except CRSError as exc:
        aliases = ", ".join(CRS_ALIASES)
        raise UnitImportError(
            f"unknown coordinate system {text!r} ({exc}); use an EPSG code such as EPSG:3405, "
            f"a proj string, or one of {aliases}"
        ) from exc


def _plain_wgs84_geojson(path: Path) -> bool:
    """A GeoJSON file with no ``crs`` member or a WGS84 one (anything unreadable: True, so
    the strict reader reports it)."""
    if path.suffix.lower() not in JSON_SUFFIXES:
        return False
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return True
    crs = data.get("crs") if isinstance(data, dict) else None
    if not isinstance(crs, dict):
        return True
    name = str(crs.get("properties", {}).get("name", ""))
    return any(name.upper().endswith(ok) for ok in WGS84_NAMES)


def _read_frame(path: Path, layer: str | None) -> geopandas.GeoDataFrame:
    if not path.exists():
        raise UnitImportError(f"{path}: file not found")
    try:
        frame = geopandas.read_file(path, layer=layer)
    except Exception as exc:  # GDAL raises many types; each becomes one clear message
        raise UnitImportError(f"{path}: not a readable boundary file ({exc})") from exc
    if frame.empty:
        raise UnitImportError(f"{path}: the file has no features")
    return frame


def _parameters(crs: pyproj.CRS) -> dict[str, float]:
    """The numeric parameters of the CRS's projection, by name."""
    operation = crs.coordinate_operation
    params = operation.params if operation is not None else []
    return {p.name: float(p.value) for p in params if isinstance(p.value, int | float)}


def _vn2000_zone_without_shift(crs: pyproj.CRS) -> bool:
    """A VN-2000-style 3° transverse Mercator zone (k = 0.9999, central meridian in
    Viet Nam) with no datum shift: what a VN-2000 shapefile's ``.prj`` looks like."""
    datum = crs.datum.name if crs.datum is not None else ""
    if crs.is_bound or "VN-2000" in datum or crs.coordinate_operation is None:
        return False
    if "Transverse Mercator" not in crs.coordinate_operation.method_name:
        return False
    parameters = _parameters(crs)
    scale = parameters.get("Scale factor at natural origin")
    meridian = parameters.get("Longitude of natural origin", 0.0)
    return scale == VN2000_ZONE_SCALE and 102.0 <= meridian <= 110.0


def _crs_of(path: Path, frame: geopandas.GeoDataFrame, given: str | None) -> pyproj.CRS:
    """The CRS given, else the file's, else an error asking for ``--crs``."""
    if given is not None:
        return parse_crs(given)
    if frame.crs is not None:
        crs = pyproj.CRS.from_user_input(frame.crs)
        if _vn2000_zone_without_shift(crs):
            raise UnitImportError(
                f"{path}: the file's coordinate system is a Vietnamese 3° zone (central "
                "meridian {lon}, scale 0.9999) without the VN-2000 datum shift; a shapefile "
                "(.prj) cannot hold it, and ignoring it puts borders about 200 m off. Name "
                "the system with --crs, e.g. --crs vn2000-lamdong for Lâm Đồng (107°45')".format(
                    lon=_parameters(crs).get("Longitude of natural origin")
                )
            )
        return crs
    raise UnitImportError(
        f"{path}: the file does not say its coordinate system (no .prj?); name it with "
        f"--crs, e.g. --crs vn2000-lamdong (VN-2000, Lâm Đồng zone 107°45') or EPSG:3405"
    )
