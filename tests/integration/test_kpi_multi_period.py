"""The multi-period count query gives exactly the counts of one query per period."""

from __future__ import annotations

import json

from ioc import cache
from ioc.aggregates.kpi import counts_key
from ioc.aggregates.shared import read_payloads
from ioc.kpi.counts import kpi_counts
from ioc.kpi.dossiers import upsert_dossiers
from ioc.kpi.periods import REFORM_AT, Era, Period, Week, default_era, period_at, recent_periods
from ioc.kpi.queries import dossier_counts, dossier_counts_many
from ioc.pages import kpi_cache
from ioc.store import Store
from tests.kpi_helpers import local, seed_units, varied_dossiers

NOW = local(2026, 11, 12, 15)


def requests() -> list[tuple[Period, Era | None]]:
    """Trends of each kind, the reform's month and week, the future, and every era choice."""
    periods: list[Period] = [
        period_at(NOW, kind).shift(-back)
        for kind in ("week", "month", "quarter")
        for back in range(8)
    ]
    periods += [Period("month", 2025, 7), Week.of(REFORM_AT.date()), Period("year", 2025)]
    periods += [Period("month", 2027, 1), Period("quarter", 2025, 1)]
    found: list[tuple[Period, Era | None]] = [(p, default_era(p)) for p in periods]
    found += [(p, era) for p in periods[-5:] for era in (None, "pre2025", "post2025")]
    return found


def test_many_periods_in_one_query_equal_one_query_per_period(store: Store) -> None:
    seed_units(store)
    with store.session() as session:
        upsert_dossiers(session, varied_dossiers(1500), store.is_postgis)
    asked = requests()
    with store.session() as session:
        many = dossier_counts_many(session, asked, NOW)
        each = [dossier_counts(session, period, era, NOW) for period, era in asked]
        assert dossier_counts_many(session, [], NOW) == []
    assert len(many) == len(each)
    for (period, era), got, expected in zip(asked, many, each, strict=True):
        assert got == expected, (str(period), era)
    assert sum(len(counts) for counts in each) > 0
    assert any(c["overdue_open"] for counts in each for c in counts.values())


def test_prefetch_shares_the_same_counts(store: Store) -> None:
    seed_units(store)
    with store.session() as session:
        upsert_dossiers(session, varied_dossiers(400), store.is_postgis)
    periods = recent_periods(NOW, 4)
    cache.invalidate_all()
    with store.session() as session:
        kpi_cache.prefetch(session, periods, NOW)
        keys = [counts_key(p, default_era(p)) for p in periods]
        stored = read_payloads(session, keys)
        direct = [kpi_counts(session, p, default_era(p), NOW) for p in periods]
        cached = [kpi_cache.period_counts(session, p, default_era(p), NOW) for p in periods]
    assert [json.loads(stored[key][1]) for key in keys] == direct
    assert cached == direct
