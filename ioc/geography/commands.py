"""``ioc units import|compare|seed|list|locate``: administrative units in the store."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from ioc.config import Settings
from ioc.geography.boundary_files import read_boundary_file
from ioc.geography.compare import compare_with_store, print_comparison
from ioc.geography.defaults import refresh_default_units, seed_default_units
from ioc.geography.importer import LEVELS, UnitImportError, import_units
from ioc.store import Store
from ioc.store.cli_support import with_store
from ioc.store.units import LEVEL_RANK, UnitRecord, place_at, units_valid_at
from ioc.subcommand import add_command


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers, "units", "Đơn vị hành chính / administrative units (import, seed, list, locate)"
    )
    actions = parser.add_subparsers(dest="units_command", metavar="ACTION", required=True)
    _register_import(actions)
    seed = add_command(
        actions,
        "seed",
        "Nạp đơn vị mặc định (gần đúng) / load the default approximate units of both eras "
        "(only into an empty table) and the default IOCs",
    )
    seed.add_argument(
        "--refresh",
        action="store_true",
        help="replace the stored approximate units by this version's defaults (three periods); "
        "imported official units stay and win where they overlap",
    )
    seed.set_defaults(handler=units_seed)
    listing = add_command(actions, "list", "Liệt kê đơn vị / list the units valid at a date")
    listing.add_argument("--at", type=_date, default=None, help="date YYYY-MM-DD (default: today)")
    listing.add_argument("--level", choices=LEVELS, help="only this level")
    listing.set_defaults(handler=units_list)
    locate = add_command(
        actions, "locate", "Tìm đơn vị chứa một điểm / which units contain a point (WGS84)"
    )
    locate.add_argument("lon", type=float, help="longitude, e.g. 108.445")
    locate.add_argument("lat", type=float, help="latitude, e.g. 11.942")
    locate.add_argument("--at", type=_date, default=None, help="date YYYY-MM-DD (default: today)")
    locate.set_defaults(handler=units_locate)


def _register_import(actions: Any) -> None:
    parser = add_command(
        actions,
        "import",
        "Nhập ranh giới chính thức / import official boundaries (shapefile, GeoPackage, KML, "
        "GeoJSON; VN-2000 or WGS84, stored as WGS84); all or nothing, rows with the same code "
        "and valid-from are replaced",
    )
    _file_arguments(parser)
    parser.set_defaults(handler=units_import)
    compare = add_command(
        actions,
        "compare",
        "So sánh ranh giới / how far official boundaries in FILE differ from the stored units "
        "of the same level and date, and which citizen reports would move (nothing written)",
    )
    _file_arguments(compare)
    compare.add_argument("--show", type=int, default=20, help="reports listed (default 20)")
    compare.set_defaults(handler=units_compare)


def _file_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help=".shp, .gpkg, .kml, .geojson (or .zip)")
    parser.add_argument("--level", required=True, choices=LEVELS, help="level of every unit")
    parser.add_argument(
        "--valid-from", required=True, type=_date, help="first day the units are valid"
    )
    parser.add_argument("--valid-to", type=_date, help="last day valid (default: still valid)")
    parser.add_argument("--code-field", help="property holding the code (default: auto-detect)")
    parser.add_argument("--name-field", help="property holding the name (default: auto-detect)")
    parser.add_argument("--parent", metavar="CODE", help="code of the parent unit, e.g. 68")
    parser.add_argument(
        "--crs",
        help="coordinate system of the file when it does not say (or says wrongly): "
        "EPSG:3405, a proj string, vn2000-lamdong (VN-2000 zone 107°45'), vn2000-utm48, vn2000",
    )
    parser.add_argument("--layer", help="layer of a GeoPackage or KML with several")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from exc


def _read(args: argparse.Namespace) -> list[UnitRecord] | None:
    """The file's checked records, or None after printing why not."""
    try:
        return read_boundary_file(
            args.file,
            args.level,
            args.valid_from,
            args.valid_to,
            code_field=args.code_field,
            name_field=args.name_field,
            parent_code=args.parent,
            source_crs=args.crs,
            layer=args.layer,
        )
    except UnitImportError as exc:
        print(f"Lỗi / error: {exc}", file=sys.stderr)
        return None


def units_import(args: argparse.Namespace, settings: Settings) -> int:
    records = _read(args)
    if records is None:
        return 1

    def work(store: Store) -> int:
        try:
            count = import_units(store, records)
        except UnitImportError as exc:
            print(f"Lỗi / error: {exc}", file=sys.stderr)
            return 1
        until = args.valid_to or "nay / now"
        print(
            f"Đã nhập {count} đơn vị cấp {args.level} / imported {count} {args.level} units "
            f"valid {args.valid_from} – {until} from {args.file}"
        )
        return 0

    return with_store(settings.database_url, work)


def units_compare(args: argparse.Namespace, settings: Settings) -> int:
    records = _read(args)
    if records is None:
        return 1

    def work(store: Store) -> int:
        with store.session() as session:
            comparison = compare_with_store(session, records, args.valid_from, args.valid_to)
        print_comparison(comparison, args.show)
        return 0

    return with_store(settings.database_url, work)


def units_seed(args: argparse.Namespace, settings: Settings) -> int:
    def work(store: Store) -> int:
        if args.refresh:
            removed, added = refresh_default_units(store)
            print(
                f"Đã thay {removed} đơn vị gần đúng bằng {added} / replaced {removed} "
                f"approximate units by {added} defaults"
            )
            return 0
        count = seed_default_units(store)
        if count:
            print(f"Đã nạp {count} đơn vị mặc định / seeded {count} default (approximate) units")
        else:
            print("Bảng đơn vị đã có dữ liệu / units already present: nothing seeded")
        return 0

    return with_store(settings.database_url, work)


def units_list(args: argparse.Namespace, settings: Settings) -> int:
    at = args.at or date.today()

    def work(store: Store) -> int:
        with store.session() as session:
            units = units_valid_at(session, at, args.level)
        for unit in sorted(units, key=lambda u: (LEVEL_RANK.get(u.level, 9), u.code)):
            flag = " ~" if unit.approximate else ""
            print(f"{unit.code:>6}  {unit.level:<8}  {unit.name}{flag}")
        print(f"{len(units)} đơn vị / units valid on {at} (~ = ranh giới gần đúng / approximate)")
        return 0

    return with_store(settings.database_url, work)


def units_locate(args: argparse.Namespace, settings: Settings) -> int:
    at = args.at or date.today()

    def work(store: Store) -> int:
        with store.session() as session:
            units = store.backend.units_containing(session, args.lon, args.lat, at)
        for unit in sorted(units, key=lambda u: LEVEL_RANK.get(u.level, 9)):
            print(f"{unit.level:<8}  {unit.code:>6}  {unit.name}")
        placed = place_at(store, args.lon, args.lat, at)
        if placed is None:
            print(f"Ngoài tỉnh / outside the province: ({args.lon}, {args.lat}) on {at}")
            return 1
        if placed.nearest:
            unit = placed.unit
            print(f"{unit.level:<8}  {unit.code:>6}  {unit.name}  (gần nhất / nearest unit)")
        return 0

    return with_store(settings.database_url, work)
