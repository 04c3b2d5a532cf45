"""Report-import benchmark: generate N plausible report rows and import them with COPY.

A fresh database is made on the PostgreSQL server (dropped at the end unless ``--keep``),
migrated and seeded with the default units and categories; N rows spread over the last
``--days`` days are written to a CSV file, then ``ioc reports import``'s function imports
it (timed). The last line printed is one JSON object.

    python bench/reports.py --rows 100000
    python bench/reports.py --rows 20000 --database-url sqlite:///var/bench_reports.db
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import add_out_argument, emit  # noqa: E402
from ioc.geography.defaults import seed_default_units  # noqa: E402
from ioc.reports.categories import seed_categories  # noqa: E402
from ioc.reports.csv_import import import_csv  # noqa: E402
from ioc.sim.reports import simulated_report  # noqa: E402
from ioc.store import open_store  # noqa: E402
from ioc.store.migrate import upgrade  # noqa: E402
from ioc.timeutil import utcnow  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres"
HEADER = (
    "id",
    "service_code",
    "created_at",
    "lat",
    "long",
    "description",
    "address",
    "status",
    "first_response_at",
    "resolved_at",
    "rating",
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows to generate and import")
    parser.add_argument("--days", type=int, default=180, help="rows spread over this many days")
    parser.add_argument("--database-url", default=DEFAULT_PG, help="server (a fresh DB is made)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--seed", type=int, default=68, help="random seed")
    add_out_argument(parser)
    return parser.parse_args(argv)


@contextmanager
def fresh_database(url: str, keep: bool) -> Iterator[str]:
    """A new PostgreSQL database on the server of ``url`` (SQLite URLs are used as given)."""
    server = make_url(url)
    if server.get_backend_name() != "postgresql":
        yield url
        return
    name = f"ioc_bench_reports_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def write_csv(path: Path, rows: int, days: int, rng: random.Random) -> None:
    """``rows`` plausible reports, most of them closed, some rated."""
    now = utcnow()
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for n in range(rows):
            at = now - timedelta(seconds=rng.uniform(3600, days * 86400))
            report = simulated_report(rng, at, source="bench")
            first = at + timedelta(minutes=rng.uniform(10, 240))
            done = first + timedelta(minutes=rng.uniform(20, 600))
            status = rng.choices(
                ("resolved", "in_progress", "received", "rejected"), (80, 8, 7, 5)
            )[0]
            out.writerow(
                (
                    f"B{n}",
                    report.service_code,
                    at.isoformat(),
                    report.lat,
                    report.lon,
                    report.description,
                    report.address,
                    status,
                    first.isoformat() if status != "received" else "",
                    done.isoformat() if status in ("resolved", "rejected") else "",
                    rng.choice(("", "", "3", "4", "5")) if status == "resolved" else "",
                )
            )


def main() -> int:
    args = parse_args()
    rng = random.Random(args.seed)
    with (
        tempfile.TemporaryDirectory() as folder,
        fresh_database(args.database_url, args.keep) as url,
    ):
        path = Path(folder) / "reports.csv"
        write_csv(path, args.rows, args.days, rng)
        store = open_store(url)
        upgrade(store)
        seed_default_units(store)
        with store.session() as session:
            seed_categories(session)
        started = time.perf_counter()
        summary = import_csv(store, path)
        seconds = time.perf_counter() - started
        backend = store.backend.name
        store.dispose()
    result = {
        "bench": "reports_import",
        "backend": backend,
        "rows": args.rows,
        "imported": summary.imported,
        "rejected": len(summary.rejected),
        "seconds": round(seconds, 2),
        "rows_per_s": round(args.rows / seconds) if seconds else None,
    }
    emit(result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
