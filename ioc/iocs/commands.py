"""``ioc iocs import FILE`` and ``ioc iocs list``: the province's network of IOCs."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from ioc.config import Settings
from ioc.iocs.registry import IocFileError, IocInfo, list_iocs, read_file, store_rows
from ioc.iocs.rows import OPTIONAL, REQUIRED
from ioc.store import Store
from ioc.store.cli_support import with_store
from ioc.subcommand import add_command

KIND_VI = {"province": "tỉnh", "unit": "địa phương", "department": "sở, ngành"}


def register(subparsers: Any) -> None:
    iocs = add_command(subparsers, "iocs", "Mạng lưới các IOC / the province's IOC network")
    actions = iocs.add_subparsers(dest="iocs_command", metavar="ACTION", required=True)
    imp = add_command(
        actions,
        "import",
        "Nhập danh sách IOC từ CSV/Excel / import IOCs (columns: "
        f"{', '.join(REQUIRED)} required; {', '.join(OPTIONAL)} optional; see docs/iocs.md)",
    )
    imp.add_argument("file", type=Path, help="CSV (UTF-8, , or ;) or .xlsx file")
    imp.set_defaults(handler=iocs_import)
    show = add_command(actions, "list", "Liệt kê các IOC và khu vực / list the IOCs and areas")
    show.add_argument("--json", action="store_true", help="as JSON (one object per IOC)")
    show.add_argument(
        "--at",
        type=date.fromisoformat,
        help="resolve areas on this day (YYYY-MM-DD; default today)",
    )
    show.set_defaults(handler=iocs_list)


def _problems(exc: IocFileError) -> int:
    print("Lỗi, không nhập gì / errors, nothing imported:", file=sys.stderr)
    for problem in exc.problems:
        print(f"  {problem}", file=sys.stderr)
    return 1


def iocs_import(args: argparse.Namespace, settings: Settings) -> int:
    try:
        rows = read_file(args.file)
    except IocFileError as exc:
        return _problems(exc)

    def work(store: Store) -> int:
        try:
            with store.session() as session:
                new, updated = store_rows(session, rows, date.today())
        except IocFileError as exc:
            return _problems(exc)
        print(f"{len(rows)} IOC: {new} mới / new, {updated} cập nhật / updated")
        return 0

    return with_store(settings.database_url, work)


def iocs_list(args: argparse.Namespace, settings: Settings) -> int:
    at = args.at or date.today()

    def work(store: Store) -> int:
        with store.session() as session:
            iocs = list_iocs(session, at)
        if args.json:
            print(json.dumps([_jsonable(i) for i in iocs], ensure_ascii=False, indent=1))
            return 0
        for ioc in iocs:
            print(_line(ioc))
        print(f"{len(iocs)} IOC; khu vực tính theo / areas as of {at}")
        return 0

    return with_store(settings.database_url, work)


def _line(ioc: IocInfo) -> str:
    opened = ioc.opened_on.isoformat() if ioc.opened_on else "?"
    people = f"{len(ioc.operators)} vận hành / operators, {len(ioc.kiosks)} kiosk"
    return (
        f"{ioc.code:<10} {KIND_VI.get(ioc.kind, ioc.kind)} ({ioc.kind})  {ioc.name}\n"
        f"{'':<10} đơn vị / unit {ioc.unit}, chủ quản / owner {ioc.owner}, từ / since {opened}, "
        f"khu vực / area {len(ioc.area)} đơn vị / units, {people}\n"
        f"{'':<10} nguồn / source: {ioc.source}"
    )


def _jsonable(ioc: IocInfo) -> dict[str, Any]:
    found = asdict(ioc)
    found["opened_on"] = ioc.opened_on.isoformat() if ioc.opened_on else None
    return found
