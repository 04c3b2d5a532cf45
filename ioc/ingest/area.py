"""Whether a point lies in the province: the check behind ``outside_province`` rejects."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

import shapely
from shapely.prepared import prep

from ioc.store import Store
from ioc.store.units import BORDER_TOLERANCE_KM, KM_PER_DEGREE, units_valid_at

log = logging.getLogger(__name__)

# The same tolerance as report routing (``ioc.store.units.place_at``): the shipped polygons
# are approximate, so a station or a citizen a few kilometres past the outline is still ours.
MARGIN_DEG = BORDER_TOLERANCE_KM / KM_PER_DEGREE


def province_predicate(
    store: Store, province_code: str, at: date, margin_deg: float = MARGIN_DEG
) -> Callable[[float, float], bool] | None:
    """A fast lon/lat test against the province valid at ``at``; None if it is not stored."""
    with store.session() as session:
        provinces = [u for u in units_valid_at(session, at, "province") if u.code == province_code]
    if not provinces:
        log.warning("province %s not in the store: coordinates are not checked", province_code)
        return None
    area = prep(provinces[0].geom.buffer(margin_deg))

    def inside(lon: float, lat: float) -> bool:
        return bool(area.contains(shapely.Point(lon, lat)))

    return inside
