"""Sign-in gate benchmark: what the gate adds to every Dash callback.

Serves the dashboard through Flask's test client on a real store and times a trivial
callback (the navigation bar's texts) N times signed in, with the gate's few-second memory
of sessions (``auth.principal_cache_s``, the default) and without it (every callback reads
the session and the account from the store). The difference is the store read the memory
saves on each callback. The last line printed is one JSON object.

    python bench/gate.py --calls 2000
    python bench/gate.py --database-url sqlite:///var/bench-gate.db
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ingest import ensure_database, percentile  # noqa: E402
from ioc.auth.user_roles import Role  # noqa: E402
from ioc.config import Settings  # noqa: E402
from ioc.store import open_store  # noqa: E402
from ioc.store.migrate import upgrade  # noqa: E402
from ioc.web.app import create_app  # noqa: E402
from testkit.auth_support import callback_body, csrf_headers, signed_in_client  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/ioc_bench_gate"
OUTPUT = "shell-nav.children"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=1000, help="callbacks timed per setting")
    parser.add_argument("--database-url", default=DEFAULT_PG, help="store to use")
    return parser.parse_args()


def time_calls(client: Any, body: dict[str, Any], calls: int) -> list[float]:
    headers = csrf_headers(client)
    times = []
    for n in range(calls):
        started = time.perf_counter()
        answer = client.post("/_dash-update-component", json=body, headers=headers)
        times.append(time.perf_counter() - started)
        if answer.status_code != 200:
            raise SystemExit(f"callback {n} answered {answer.status_code}")
        if n % 250 == 0:
            print(f"  {n}/{calls}", file=sys.stderr)
    return times


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "p50_ms": round(percentile(ordered, 0.5) * 1000, 2),
        "p95_ms": round(percentile(ordered, 0.95) * 1000, 2),
    }


def main() -> int:
    args = parse_args()
    ensure_database(args.database_url)
    store = open_store(args.database_url)
    upgrade(store)
    result: dict[str, Any] = {"bench": "gate", "calls": args.calls, "backend": store.backend.name}
    with tempfile.TemporaryDirectory() as tmp:
        for name, cache_s in (("cached", 5.0), ("uncached", 0.0)):
            settings = Settings.model_validate(
                {"var_dir": tmp, "auth": {"principal_cache_s": cache_s}}
            )
            app = create_app(settings, store)
            client = signed_in_client(app.server, Role.ADMIN)
            client.get("/")  # Dash's first-request setup, untimed
            print(f"gate bench: {name}", file=sys.stderr)
            body = callback_body(app, OUTPUT, {"shell-lang": "vi"})
            result[name] = summary(time_calls(client, body, args.calls))
    store.dispose()
    result["gate_store_read_ms"] = round(
        result["uncached"]["p50_ms"] - result["cached"]["p50_ms"], 2
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
