"""Decision 766 period counts and scores as shared aggregates.

Two aggregates per period and era: the counts per unit of
:func:`ioc.kpi.counts.kpi_counts` (key ``kpi.counts|Month|2026-03|post2025``) and the
scores the pages show, computed from them (key ``kpi.metrics|…``: each unit's and the
province's total and group points), so no web process scores a province either. The
refresher counts the periods every page asks for (:func:`ioc.kpi.periods.recent_periods`)
in ONE query per refresh; a page asking for another period, or finding one expired,
counts (or scores) it itself and shares it.
A running period's counts move with every dossier and the clock, so they hold for a
short while; a closed period's for half an hour.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from ioc.aggregates.shared import Codec, Computed, Want, get_many
from ioc.kpi.areas import Areas, area_counts, load_areas
from ioc.kpi.counts import kpi_counts_many
from ioc.kpi.decision766 import Score, score
from ioc.kpi.periods import Era, Period, is_running
from ioc.kpi.ratio import PROVINCE, add_counts
from ioc.kpi.weights import default_weights
from ioc.timeutil import to_local

Counts = dict[str, dict[str, int]]
Metrics = dict[str, dict[str, float | None]]  # unit (and PROVINCE) → "total"/group → points
Request = tuple[Period, Era | None]
RUNNING_TTL_S = 60.0  # a running period's counts computed by a page hold this long
CLOSED_TTL_S = 1800.0  # a closed period's counts (late imports still change them)


def _decode(raw: Any) -> Counts:
    return {str(unit): {str(k): int(v) for k, v in values.items()} for unit, values in raw.items()}


def _decode_metrics(raw: Any) -> Metrics:
    return {
        str(unit): {str(k): None if v is None else float(v) for k, v in values.items()}
        for unit, values in raw.items()
    }


COUNTS: Codec[Counts] = Codec(encode=lambda counts: counts, decode=_decode)
METRICS: Codec[Metrics] = Codec(encode=lambda metrics: metrics, decode=_decode_metrics)


def _points(found: Score) -> dict[str, float | None]:
    return {"total": found.total, **{g.definition.key: g.points for g in found.groups}}


def metrics_of(counts: Counts, areas: Areas | None = None) -> Metrics:
    """Each unit's, each area's (``area:<code>``, from its units' counts) and the
    province's (``PROVINCE``, from all counts) total and groups."""
    weights = default_weights()
    metrics = {code: _points(score(values, weights)) for code, values in counts.items()}
    for key, values in area_counts(counts, areas or {}).items():
        metrics[key] = _points(score(values, weights))
    metrics[PROVINCE] = _points(score(add_counts(counts.values()), weights))
    return metrics


def metrics_key(period: Period, era: Era | None) -> str:
    return "kpi.metrics" + counts_key(period, era).removeprefix("kpi.counts")


def counts_key(period: Period, era: Era | None) -> str:
    """The aggregate key of a period's counts (weeks and months are told apart)."""
    return f"kpi.counts|{type(period).__name__}|{period}|{era or 'all'}"


def expiry(period: Period, now: datetime, running_ttl_s: float = RUNNING_TTL_S) -> datetime:
    """Until when counts of ``period`` computed at ``now`` are good."""
    ttl = running_ttl_s if is_running(period, now) else CLOSED_TTL_S
    return now + timedelta(seconds=ttl)


def count_periods(
    session: Session, requests: Sequence[Request], now: datetime, running_ttl_s: float
) -> dict[str, Computed[Counts]]:
    """Count every request in ONE query, as aggregates by key."""
    counted = kpi_counts_many(session, requests, now)
    return {
        counts_key(period, era): Computed(counts, "", expiry(period, now, running_ttl_s))
        for (period, era), counts in zip(requests, counted, strict=True)
    }


def period_counts_many(
    session: Session, requests: Sequence[Request], now: datetime
) -> list[Counts]:
    """The counts of each ``(period, era)``, in order: shared, or counted (together) here."""
    by_key = {counts_key(period, era): (period, era) for period, era in requests}

    def compute(missing: Sequence[Want]) -> Mapping[str, Computed[Counts]]:
        return count_periods(session, [by_key[want.key] for want in missing], now, RUNNING_TTL_S)

    found = get_many(session, [Want(key) for key in by_key], now, COUNTS, compute)
    return [found[counts_key(period, era)] for period, era in requests]


def score_periods(
    counted: dict[str, Computed[Counts]], requests: Sequence[Request], areas: Areas
) -> dict[str, Computed[Metrics]]:
    """The metrics aggregates of counted periods (same expiry as their counts)."""
    found = {}
    for period, era in requests:
        counts = counted[counts_key(period, era)]
        metrics = metrics_of(counts.value, areas)
        found[metrics_key(period, era)] = Computed(metrics, "", counts.expires_at)
    return found


def period_metrics_many(
    session: Session, requests: Sequence[Request], now: datetime
) -> list[Metrics]:
    """The metrics of each ``(period, era)``, in order: shared, or scored (from the shared
    or freshly counted counts) here and shared."""
    by_key = {metrics_key(period, era): (period, era) for period, era in requests}

    def compute(missing: Sequence[Want]) -> Mapping[str, Computed[Metrics]]:
        asked = [by_key[want.key] for want in missing]
        counts = period_counts_many(session, asked, now)
        areas = load_areas(session, to_local(now).date())
        return {
            metrics_key(period, era): Computed(metrics_of(c, areas), "", expiry(period, now))
            for (period, era), c in zip(asked, counts, strict=True)
        }

    found = get_many(session, [Want(key) for key in by_key], now, METRICS, compute)
    return [found[metrics_key(period, era)] for period, era in requests]
