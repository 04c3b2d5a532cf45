"""Import official unit boundaries from a GeoJSON FeatureCollection, all or nothing.

A file is read and checked completely before anything is written: it must be a WGS84
FeatureCollection of (Multi)Polygons, each with a unique code and a name. Invalid rings are
repaired with ``shapely.make_valid`` only when the result is still polygonal and keeps
nearly the same area; otherwise the file is rejected. Every problem raises one
:class:`UnitImportError` naming the file and the feature.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape
from sqlalchemy.exc import SQLAlchemyError

from ioc import cache
from ioc.geography.cells import polygons_of
from ioc.store import Store
from ioc.store.units import UnitRecord, insert_units

log = logging.getLogger(__name__)

CODE_FIELDS = ("code", "gso_code", "ma", "ma_dvhc", "madvhc", "ma_xa", "ma_huyen", "ma_tinh")
NAME_FIELDS = ("name", "ten", "ten_dvhc", "tendvhc", "ten_xa", "ten_huyen", "ten_tinh")
TYPE_FIELDS = ("type", "unit_type", "loai", "cap")
WGS84_NAMES = ("CRS84", "EPSG:4326", "EPSG::4326")
LEVELS = ("province", "district", "commune")
AREA_TOLERANCE = 0.01


class UnitImportError(Exception):
    """A boundary file cannot be imported; the message says which file and feature."""


def read_units_geojson(
    path: str | Path,
    level: str,
    valid_from: date,
    valid_to: date | None = None,
    *,
    code_field: str | None = None,
    name_field: str | None = None,
    parent_code: str | None = None,
) -> list[UnitRecord]:
    """Read and check every feature of ``path``; raise :class:`UnitImportError` on any problem."""
    path = Path(path)
    check_level_and_dates(path, level, valid_from, valid_to)
    features = _features(path, _load_json(path))
    return records_from_features(
        path,
        features,
        level,
        (valid_from, valid_to),
        code_field=code_field,
        name_field=name_field,
        parent_code=parent_code,
    )


def check_level_and_dates(path: Path, level: str, valid_from: date, valid_to: date | None) -> None:
    """Refuse an unknown level or a period that ends before it starts."""
    if level not in LEVELS:
        raise UnitImportError(f"{path}: level must be one of {', '.join(LEVELS)}, not {level!r}")
    if valid_to is not None and valid_to < valid_from:
        raise UnitImportError(f"{path}: valid_to {valid_to} is before valid_from {valid_from}")


def records_from_features(
    path: Path,
    features: list[Any],
    level: str,
    period: tuple[date, date | None],
    *,
    code_field: str | None = None,
    name_field: str | None = None,
    parent_code: str | None = None,
    note: str = "",
) -> list[UnitRecord]:
    """Check GeoJSON-like features (WGS84) and turn them into records; ``note`` goes into
    each unit's source (e.g. the CRS the file was reprojected from)."""
    props = [_properties(path, i, f) for i, f in enumerate(features)]
    code_key = _pick_field(path, props, code_field, CODE_FIELDS, what="code")
    name_key = _pick_field(path, props, name_field, NAME_FIELDS, what="name")
    type_key = next((k for k in _keys(props[0]) if k.lower() in TYPE_FIELDS), None)
    records, seen = [], dict[str, int]()
    for index, (feature, properties) in enumerate(zip(features, props, strict=True)):
        code = _text(path, index, properties, code_key, "code")
        if code in seen:
            raise UnitImportError(
                f"{path}: feature {index}: duplicate code {code!r} (also feature {seen[code]})"
            )
        seen[code] = index
        geom, repaired = _geometry(path, index, feature)
        records.append(
            UnitRecord(
                code=code,
                name=_text(path, index, properties, name_key, "name"),
                level=level,
                geom=geom,
                valid_from=period[0],
                valid_to=period[1],
                unit_type=str(properties.get(type_key) or "") if type_key else "",
                parent_code=parent_code,
                approximate=False,
                source=f"imported from {path.name}{note}{repaired}"[:300],
            )
        )
    return records


def import_units(store: Store, records: Sequence[UnitRecord]) -> int:
    """Write ``records`` in one transaction, replacing rows with the same code and valid_from."""
    if not records:
        raise UnitImportError("nothing to import: no units")
    try:
        with store.session() as session:
            count = insert_units(session, records, replace=True)
    except SQLAlchemyError as exc:
        raise UnitImportError(f"database refused the import (nothing written): {exc}") from exc
    cache.changed("units")  # committed: this process's scopes and maps read them again
    return count


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise UnitImportError(f"{path}: file not found") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnitImportError(f"{path}: not a JSON file ({exc})") from exc


def _features(path: Path, data: Any) -> list[Any]:
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        found = data.get("type") if isinstance(data, dict) else type(data).__name__
        raise UnitImportError(f"{path}: not a GeoJSON FeatureCollection (found {found!r})")
    _check_crs(path, data.get("crs"))
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise UnitImportError(f"{path}: the FeatureCollection has no features")
    return features


def _check_crs(path: Path, crs: Any) -> None:
    if crs is None:
        return
    name = str(crs.get("properties", {}).get("name", "")) if isinstance(crs, dict) else str(crs)
    if not any(name.upper().endswith(ok) for ok in WGS84_NAMES):
        raise UnitImportError(
            f"{path}: coordinate system {name or crs!r} is not WGS84 lon/lat "
            "(EPSG:4326/CRS84); reproject the file first, e.g. "
            "ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson"
        )


def _properties(path: Path, index: int, feature: Any) -> Mapping[str, Any]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise UnitImportError(f"{path}: feature {index}: not a GeoJSON Feature")
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        raise UnitImportError(f"{path}: feature {index}: properties must be an object")
    return properties


def _keys(properties: Mapping[str, Any]) -> list[str]:
    return list(properties.keys())


def _pick_field(
    path: Path,
    props: list[Mapping[str, Any]],
    given: str | None,
    candidates: tuple[str, ...],
    *,
    what: str,
) -> str:
    """The property holding codes or names: the given one, or the first known candidate."""
    if given is not None:
        return given
    present = {k.lower(): k for p in props for k in p}
    # A field that is there but always empty (KML's "Name" when the names are elsewhere)
    # does not count.
    filled = {k.lower() for p in props for k, v in p.items() if v not in (None, "")}
    for wanted in (filled, present):
        for candidate in candidates:
            if candidate in present and candidate in wanted:
                return present[candidate]
    raise UnitImportError(
        f"{path}: no {what} property found (looked for {', '.join(candidates)}; "
        f"the features have {', '.join(sorted(present.values())) or 'no properties'}); "
        f"name it with --{what}-field"
    )


def _text(path: Path, index: int, properties: Mapping[str, Any], key: str, what: str) -> str:
    value = properties.get(key)
    text = str(value).strip() if value is not None else ""
    if not text:
        raise UnitImportError(f"{path}: feature {index}: missing {what} (property {key!r})")
    return text


def _geometry(
    path: Path, index: int, feature: Mapping[str, Any]
) -> tuple[shapely.MultiPolygon, str]:
    """The feature's geometry as a valid 2-D MultiPolygon, and a note if it was repaired."""
    where = f"{path}: feature {index}"
    raw = feature.get("geometry")
    if not isinstance(raw, dict) or raw.get("type") not in ("Polygon", "MultiPolygon"):
        found = raw.get("type") if isinstance(raw, dict) else raw
        raise UnitImportError(f"{where}: geometry must be a Polygon or MultiPolygon, not {found}")
    try:
        geom = shapely.force_2d(shape(raw))
    except (ValueError, TypeError, shapely.errors.ShapelyError) as exc:
        raise UnitImportError(f"{where}: unreadable geometry ({exc})") from exc
    _check_lonlat(where, geom)
    if geom.is_valid:
        return shapely.MultiPolygon(polygons_of(geom)), ""
    return _repaired(where, geom), " (ring repaired)"


def _check_lonlat(where: str, geom: shapely.Geometry) -> None:
    if geom.is_empty:
        raise UnitImportError(f"{where}: empty geometry")
    minx, miny, maxx, maxy = geom.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise UnitImportError(
            f"{where}: coordinates {geom.bounds} are not lon/lat degrees; the file looks "
            "projected (e.g. VN-2000 metres): reproject it to WGS84 (EPSG:4326) first"
        )


def _repaired(where: str, geom: shapely.Geometry) -> shapely.MultiPolygon:
    reason = shapely.is_valid_reason(geom)
    fixed = shapely.make_valid(geom)
    parts = polygons_of(fixed)
    fixed_area = sum(p.area for p in parts)
    original = abs(geom.area)
    # Dangling spikes become lines and are dropped; what is left must keep the area.
    if not parts or original == 0 or abs(fixed_area - original) > AREA_TOLERANCE * original:
        raise UnitImportError(
            f"{where}: invalid polygon ({reason}) that cannot be repaired safely: "
            f"make_valid gives a {fixed.geom_type} of area {fixed_area:.6g} instead of "
            f"{original:.6g}; fix the ring in a GIS and try again"
        )
    log.warning("%s: invalid polygon (%s) repaired with make_valid", where, reason)
    return shapely.MultiPolygon(parts)
