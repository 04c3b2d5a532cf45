"""KPI benchmark: N dossiers in PostGIS over every unit, then the KPIs of one month timed.

Makes a throw-away database on the server, generates the dossiers in SQL with
``generate_series`` (36 months, 2024-2026; records before 1 July 2025 at the 12 old
districts, later ones at the 124 new communes and wards), citizen reports (the PAKN parts)
the same way, and a procedure catalogue of every ward for the month and the one before
(so the procedure-based sub-indicators and their dossier look-ups run), runs ANALYZE, then
times ``compute_table`` (this month's and the previous month's counts from dossiers,
catalogue and reports, the six-group scores, ranks) for a month, best of a few runs. The
dossier counts alone (the two GROUP BYs the index had before the catalogue and PAKN parts)
are timed in the same process as the baseline. The last line printed is one JSON object.

    python bench/kpi.py                      # 2 000 000 dossiers
    python bench/kpi.py --dossiers 200000 --period 2026-03
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import add_out_argument, emit  # noqa: E402
from ioc.geography import dataset  # noqa: E402
from ioc.geography.defaults import load_facts  # noqa: E402
from ioc.kpi.periods import REFORM_AT, Period, local_midnight  # noqa: E402
from ioc.kpi.queries import dossier_counts  # noqa: E402
from ioc.kpi.ranking import compute_table  # noqa: E402
from ioc.store import Store, open_store  # noqa: E402
from ioc.store.migrate import upgrade  # noqa: E402
from ioc.timeutil import utcnow  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres"

GENERATE = """
INSERT INTO dossiers (dossier_id, procedure_code, procedure_name, procedure_level, unit_code,
    channel, received_at, due_at, finished_at, fee_required, paid_online, digitised,
    result_digitised, e_result, rating, published, event_at)
SELECT 'B' || g, '1.00' || (g % 8), '', 2 + (g % 3),
    CASE WHEN r < CAST(:reform AS timestamptz)
         THEN (CAST(:old AS text[]))[1 + g % CAST(:olds AS int)]
         ELSE (CAST(:new AS text[]))[1 + g % CAST(:units AS int)] END,
    CASE WHEN random() < 0.55 THEN 'online' ELSE 'in_person' END,
    r, r + make_interval(days => 1 + g % 15),
    CASE WHEN random() < 0.97 THEN r + make_interval(days => 1 + g % 15) * random() * 1.05 END,
    g % 3 = 0, g % 3 = 0 AND random() < 0.6, random() < 0.8, random() < 0.7, random() < 0.6,
    CASE WHEN random() < 0.3 THEN 1 + (random() * 4.99)::int END, random() < 0.99, r
FROM (SELECT g, CAST(:start AS timestamptz)
                 + (CAST(:span AS float8) * random()) * interval '1 second' AS r
      FROM generate_series(1, CAST(:n AS int)) AS g) AS s
"""


REPORTS = """
INSERT INTO citizen_reports (external_id, service_code, description, status, lon, lat, geom,
    unit_code, created_at, updated_at, address, source, agency, onsite_due_at, result_due_at,
    first_response_at, resolved_at, overdue, rating, status_notes)
SELECT 'BR' || g, 'moi_truong', '', CASE WHEN g % 5 = 0 THEN 'received' ELSE 'resolved' END,
    108.44, 11.94, ST_SetSRID(ST_MakePoint(108.44, 11.94), 4326),
    CASE WHEN r < CAST(:reform AS timestamptz)
         THEN (CAST(:old AS text[]))[1 + g % CAST(:olds AS int)]
         ELSE (CAST(:new AS text[]))[1 + g % CAST(:units AS int)] END,
    r, r, '', 'bench', '', r + interval '2 hours', r + interval '6 hours', NULL,
    CASE WHEN g % 5 <> 0 THEN r + make_interval(hours => g % 9) END, false,
    CASE WHEN g % 5 <> 0 AND g % 3 = 0 THEN 1 + g % 5 END, ''
FROM (SELECT g, CAST(:start AS timestamptz)
                 + (CAST(:span AS float8) * random()) * interval '1 second' AS r
      FROM generate_series(1, CAST(:n AS int)) AS g) AS s
"""
CATALOGUE = """
INSERT INTO procedure_catalogue (unit_code, period, period_start, procedure_code,
    procedure_name, online_level, fee, online_payment, population_db, announced,
    announced_on_time, updated, updated_on_time, published_full, imported_at)
SELECT u, CAST(:period AS text), CAST(:first AS date), '1.00' || p, '', 2 + p % 3,
    p % 3 = 0, p % 2 = 0, p % 2 = 1, p < 4, p < 3, p >= 4, p >= 5, true, now()
FROM unnest(CAST(:new AS text[])) AS u, generate_series(0, 7) AS p
"""


def unit_codes() -> tuple[list[str], list[str]]:
    """The 12 old district codes and the 124 new commune/ward codes of Lâm Đồng."""
    facts = load_facts()
    return sorted(facts.districts), [w.code for w in dataset.wards_2025(facts.province_code)]


def make_database(server_url: str) -> str:
    server = make_url(server_url)
    name = f"ioc_bench_kpi_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, url: str) -> None:
    admin = create_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def generate(store: Store, count: int, old: list[str], new: list[str]) -> float:
    """Insert ``count`` dossiers over 2024-2026; returns the seconds it took."""
    began = time.perf_counter()
    with store.engine.begin() as conn:
        conn.execute(text(GENERATE), {**spread(old, new), "n": count})
        conn.execute(text("ANALYZE dossiers"))
    return time.perf_counter() - began


def spread(old: list[str], new: list[str]) -> dict[str, Any]:
    """The parameters spreading generated records over 2024-2026 and the units of each era."""
    start = local_midnight(Period.parse("2024-01").first_day)
    span = (local_midnight(Period.parse("2027-01").first_day) - start).total_seconds()
    return {
        "reform": REFORM_AT,
        "old": old,
        "new": new,
        "units": len(new),
        "olds": len(old),
        "start": start,
        "span": span,
    }


def generate_more(store: Store, reports: int, months: list[Period], units: dict[str, Any]) -> None:
    """Citizen reports over the same span, and a catalogue of every ward for ``months``."""
    with store.engine.begin() as conn:
        conn.execute(text(REPORTS), {**units, "n": reports})
        for month in months:
            conn.execute(
                text(CATALOGUE),
                {"period": str(month), "first": month.first_day, "new": units["new"]},
            )
        conn.execute(text("ANALYZE citizen_reports"))
        conn.execute(text("ANALYZE procedure_catalogue"))


def time_kpis(store: Store, period: Period, runs: int) -> tuple[float, float, int]:
    """Best times of ``runs`` computations of the whole table and of the dossier counts
    alone (the baseline), and the number of units with counts."""
    best, baseline, units, now = float("inf"), float("inf"), 0, utcnow()
    for _ in range(runs):
        began = time.perf_counter()
        with store.session() as session:
            table = compute_table(session, period)
        best = min(best, time.perf_counter() - began)
        units = sum(1 for u in table.units if u.counts)
        began = time.perf_counter()
        with store.session() as session:
            for when in (period, period.previous()):
                dossier_counts(session, when, table.era, now)
        baseline = min(baseline, time.perf_counter() - began)
    return best, baseline, units


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=2_000_000, help="how many to generate")
    parser.add_argument("--reports", type=int, default=200_000, help="citizen reports to make")
    parser.add_argument("--period", default="2026-03", help="month to compute (YYYY-MM)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs (best is reported)")
    parser.add_argument(
        "--server",
        default=os.environ.get("IOC_TEST_DATABASE_URL", DEFAULT_PG),
        help="PostgreSQL server URL (a throw-away database is made on it)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    add_out_argument(parser)
    args = parser.parse_args(argv)
    url = make_database(args.server)
    store = open_store(url)
    try:
        upgrade(store)
        old, new = unit_codes()
        load_s = generate(store, args.dossiers, old, new)
        print(f"generated {args.dossiers} dossiers in {load_s:.1f} s", file=sys.stderr)
        period = Period.parse(args.period)
        generate_more(store, args.reports, [period, period.previous()], spread(old, new))
        seconds, baseline, units = time_kpis(store, period, args.runs)
    finally:
        store.dispose()
        if not args.keep:
            drop_database(args.server, url)
    result = {
        "bench": "kpi",
        "dossiers": args.dossiers,
        "reports": args.reports,
        "catalogue_procedures": 8 * len(new),
        "units": units,
        "seconds": round(seconds, 3),
        "dossier_counts_seconds": round(baseline, 3),
        "ratio_to_dossier_counts": round(seconds / baseline, 2) if baseline else None,
    }
    emit(result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
