"""Helpers of the KPI tests: a dossier in a few words and two units of each era."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

import shapely

from ioc.kpi.dossiers import DossierIn
from ioc.store import Store
from ioc.store.units import UnitRecord, insert_units
from ioc.timeutil import LOCAL_TZ

OLD = (date(2004, 1, 1), date(2025, 6, 30))
NEW = date(2025, 7, 1)


def local(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, tzinfo=LOCAL_TZ)


def dossier(ident: str, unit: str, received: datetime, **values: Any) -> DossierIn:
    base = DossierIn(
        dossier_id=ident, procedure_code="1.001612", unit_code=unit, received_at=received,
        event_at=values.get("finished_at") or received, procedure_level=4,
    )  # fmt: skip
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
