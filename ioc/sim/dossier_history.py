"""Plausible dossier events for Lâm Đồng units: for the demo simulator and quick backfills.

Procedures are a small illustrative catalogue (names of real, common procedures; the codes
only imitate the national catalogue's format and are NOT checked against it). Each unit
gets its own online share (40-70 %) and on-time rate (90-98 %); in-person dossiers arrive
in office hours (Mon-Fri 7:30-11:30, 13:30-17:00 local), online ones at any hour.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from ioc.kpi.dossiers import DossierIn, UpsertResult, upsert_dossiers
from ioc.store import Store
from ioc.timeutil import LOCAL_TZ


@dataclass(frozen=True)
class Procedure:
    """A procedure of the catalogue: level 4 = full-process online, 3 = partial."""

    code: str
    name: str
    level: int
    days: int
    fee: bool


CATALOGUE = (
    Procedure("1.004227", "Cấp giấy chứng nhận quyền sử dụng đất lần đầu", 3, 30, True),
    Procedure("1.001612", "Đăng ký kinh doanh hộ cá thể", 4, 3, True),
    Procedure("1.009994", "Cấp giấy phép xây dựng nhà ở riêng lẻ", 3, 15, True),
    Procedure("1.001193", "Đăng ký khai sinh", 4, 1, False),
    Procedure("2.000635", "Chứng thực bản sao từ bản chính", 2, 1, True),
    Procedure("1.000894", "Đăng ký kết hôn", 3, 1, False),
    Procedure("1.003583", "Cấp phiếu lý lịch tư pháp", 4, 10, True),
    Procedure("2.001711", "Đăng ký biến động quyền sử dụng đất", 3, 10, True),
)
WEIGHTS = (14, 12, 8, 22, 20, 6, 8, 10)
OFFLINE_CHANNELS = ("in_person",) * 9 + ("postal",)


@dataclass(frozen=True)
class UnitProfile:
    """How one unit behaves: its online share and on-time rate."""

    code: str
    online_share: float
    on_time: float


def profiles(units: Sequence[str], rng: random.Random) -> list[UnitProfile]:
    return [UnitProfile(u, rng.uniform(0.40, 0.70), rng.uniform(0.90, 0.98)) for u in units]


def _office_moment(day: date, rng: random.Random, online: bool) -> datetime:
    if online:
        minute = int(rng.triangular(6 * 60, 23 * 60, 20 * 60))
    else:
        morning = rng.random() < 0.6
        minute = rng.randint(450, 690) if morning else rng.randint(810, 1020)
    local = datetime.combine(day, time(minute // 60, minute % 60), LOCAL_TZ)
    return local.astimezone(UTC)


def add_working_days(moment: datetime, days: int) -> datetime:
    """``days`` working days (Mon-Fri) later, at 17:00 local time."""
    day = moment.astimezone(LOCAL_TZ).date()
    while days > 0:
        day += timedelta(days=1)
        days -= day.weekday() < 5
    return datetime.combine(day, time(17), LOCAL_TZ).astimezone(UTC)


def make_dossier(profile: UnitProfile, day: date, serial: int, rng: random.Random) -> DossierIn:
    """A finished dossier received on ``day`` (use :func:`as_received` for its first event)."""
    procedure = rng.choices(CATALOGUE, WEIGHTS)[0]
    online = procedure.level >= 3 and rng.random() < profile.online_share / 0.8
    received = _office_moment(day, rng, online)
    due = add_working_days(received, procedure.days)
    late = rng.random() > profile.on_time
    span = (due - received) * rng.uniform(0.3, 0.95) if not late else (due - received) * 1.3
    finished = received + span + timedelta(hours=rng.uniform(0, 2) if late else 0)
    return DossierIn(
        dossier_id=f"{profile.code}-{day:%Y%m%d}-{serial:05d}",
        procedure_code=procedure.code,
        procedure_name=procedure.name,
        procedure_level=procedure.level,
        unit_code=profile.code,
        received_at=received,
        event_at=finished,
        channel="online" if online else rng.choice(OFFLINE_CHANNELS),
        due_at=due,
        finished_at=finished,
        fee_required=procedure.fee,
        paid_online=procedure.fee and online and rng.random() < 0.7,
        digitised=rng.random() < 0.8,
        result_digitised=rng.random() < 0.75,
        e_result=rng.random() < 0.6,
        rating=rng.choices((5, 4, 3, 2, 1), (60, 28, 7, 3, 2))[0] if rng.random() < 0.35 else None,
    )


def as_received(dossier: DossierIn) -> DossierIn:
    """The dossier's first event: just received, nothing finished or rated."""
    return replace(
        dossier,
        event_at=dossier.received_at,
        finished_at=None,
        rating=None,
        result_digitised=False,
        e_result=False,
    )


def dossier_events(
    units: Sequence[str], day: date, per_unit: int, rng: random.Random
) -> Iterator[DossierIn]:
    """A day's events for the live simulator: a receipt event then a finish event each.

    The lead's simulator publishes them (sorted by ``event_at``) on the dossier stream.
    """
    if day.weekday() >= 5:
        per_unit = max(1, per_unit // 5)  # online only on weekends, fewer
    for profile in profiles(units, rng):
        for serial in range(rng.randint(max(1, per_unit // 2), per_unit * 3 // 2)):
            dossier = make_dossier(profile, day, serial, rng)
            yield as_received(dossier)
            yield dossier


def backfill(
    store: Store,
    units: Sequence[str],
    start: date,
    end: date,
    *,
    per_unit_day: int = 4,
    seed: int = 68,
) -> UpsertResult:
    """Finished dossiers for every unit and working day in [start, end) (demo history)."""
    rng = random.Random(seed)
    unit_profiles = profiles(units, rng)
    result, day = UpsertResult(), start
    while day < end:
        if day.weekday() < 5:
            batch = [
                make_dossier(p, day, n, rng)
                for p in unit_profiles
                for n in range(rng.randint(max(1, per_unit_day // 2), per_unit_day * 3 // 2))
            ]
            with store.session() as session:
                result.add(upsert_dossiers(session, batch, store.is_postgis))
        day += timedelta(days=1)
    result.dossier_ids = []
    return result
