"""Helpers of the KPI tests: a dossier in a few words and two units of each era."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import shapely

from ioc.kpi.dossiers import DossierIn
from ioc.kpi.periods import REFORM_AT
from ioc.store import Store
from ioc.store.units import UnitRecord, insert_units
from ioc.timeutil import LOCAL_TZ

OLD = (date(2004, 1, 1), date(2025, 6, 30))
VARIED_UNITS = ("672", "673", "24778", "24781")  # the units of seed_units, both eras
NEW = date(2025, 7, 1)


def local(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, tzinfo=LOCAL_TZ)


def dossier(ident: str, unit: str, received: datetime, **values: Any) -> DossierIn:
    base = DossierIn(
        dossier_id=ident,
        procedure_code="1.001612",
        unit_code=unit,
        received_at=received,
        event_at=values.get("finished_at") or received,
        procedure_level=4,
    )
    return replace(base, **values)


def box(x: float) -> shapely.MultiPolygon:
    return shapely.MultiPolygon([shapely.box(x, 11.8, x + 0.1, 11.9)])


def seed_units(store: Store) -> None:
    """Districts 672, 673 (until 2025-06-30), wards 24778, 24781 (from 2025-07-01)."""
    with store.session() as session:
        insert_units(
            session,
            [
                UnitRecord("68", "Tỉnh Lâm Đồng", "province", box(108.0), *OLD),
                UnitRecord("672", "Thành phố Đà Lạt", "district", box(108.4), *OLD),
                UnitRecord("673", "Thành phố Bảo Lộc", "district", box(107.8), *OLD),
                UnitRecord("68", "Tỉnh Lâm Đồng", "province", box(108.0), NEW),
                UnitRecord("24778", "Phường Xuân Hương - Đà Lạt", "commune", box(108.4), NEW),
                UnitRecord("24781", "Phường Lâm Viên - Đà Lạt", "commune", box(108.5), NEW),
            ],
        )


def varied_dossiers(count: int) -> list[DossierIn]:
    """Dossiers over 2025-03..2026-12 (both eras, open, late, on bounds, in the future)."""
    start = local(2025, 3, 1, 0)
    rows = []
    for i in range(count):
        received = start + timedelta(hours=i * 53 % 15000, minutes=i % 3 * 30)
        if i % 17 == 0:
            received = local(2025 + i % 2, 1 + i % 12, 1, 0)  # exactly a local midnight
        if i % 23 == 0:
            received = REFORM_AT - timedelta(hours=i % 5)
        due = None if i % 9 == 0 else received + timedelta(days=i % 11, hours=i % 4)
        finished = None if i % 7 == 0 else received + timedelta(days=i % 13)
        if i % 19 == 0 and due is not None:
            finished = due  # finished exactly at the deadline
        rows.append(
            dossier(
                f"M{i}",
                VARIED_UNITS[i % 4],
                received,
                due_at=due,
                finished_at=finished,
                event_at=finished or received,
                procedure_level=2 + i % 3,
                channel="online" if i % 5 < 3 else "in_person",
                fee_required=i % 2 == 0,
                paid_online=i % 4 == 0,
                digitised=i % 5 != 0,
                result_digitised=i % 3 == 0,
                e_result=i % 6 == 0,
                rating=None if i % 3 else 1 + i % 5,
                published=i % 10 != 0,
            )
        )
    return rows
