"""Render the figures of docs/performance.md and docs/scaling.md from bench/results/*.json.

Each bench writes its JSON line with ``--out bench/results/<name>.json`` (see
``bench/results.py``); this script replaces every block

    <!-- results: ingest -->
    ...
    <!-- /results -->

in the docs with a table made from the files of that bench, followed by the date, the
machine and the command of each file. Nothing in those blocks is typed by hand; a block
whose bench has no results file says so.

    python scripts/render_perf.py            # rewrite the docs
    python scripts/render_perf.py --check    # exit 1 if a doc is not what the files say
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
DOCS = [ROOT / "docs" / "performance.md", ROOT / "docs" / "scaling.md"]
BLOCK = re.compile(r"(<!-- results: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- /results -->)", re.S)


@dataclass(frozen=True)
class Table:
    """Which files a block shows and how: one row per file, or one measure per row."""

    pattern: str
    columns: tuple[tuple[str, str], ...] = ()  # (key, header); empty: every measure, one per row
    prefix: str = ""  # only the measures under this key (dotted), for the vertical form
    matrix: tuple[str, ...] = ()  # keys of {row: {measure: value}} dicts shown side by side
    records: str = ""  # key under which every dict of measures becomes one row


INGEST = (
    ("messages", "messages"),
    ("readings_per_message", "readings each"),
    ("backend", "backend"),
    ("rate_limit", "rate limit (msg/s)"),
    ("faults", "fault"),
    ("settings_differing", "settings ≠ defaults"),
    ("msgs_per_s", "msgs/s"),
    ("readings_per_s", "readings/s"),
    ("p50_latency_s", "p50 to visible (s)"),
    ("p95_latency_s", "p95 to visible (s)"),
    ("lost", "lost"),
    ("stored_duplicates", "stored twice"),
    ("redeliveries_absorbed", "redeliveries absorbed"),
    ("worker_duplicates_skipped", "duplicates skipped"),
    ("baseline_msgs_per_s", "naive loop msgs/s"),
    ("ratio", "ratio"),
    ("peak_rss_mb", "worker peak RSS (MB)"),
)
TABLES = {
    "ingest": Table("ingest*.json", INGEST),
    "live": Table(
        "live*.json",
        (
            ("events", "events"),
            ("errors", "errors"),
            ("refresh_s", "refresh (s)"),
            ("max_latency_s", "ingest batching (s)"),
            ("settings_differing", "settings ≠ defaults"),
            ("event_to_screen_p50_s", "p50 (s)"),
            ("event_to_screen_p95_s", "p95 (s)"),
            ("event_to_screen_max_s", "max (s)"),
        ),
    ),
    "dashboard": Table(
        "dashboard*.json",
        (
            ("detections", "detections"),
            ("reports", "reports"),
            ("dossiers", "dossiers"),
            ("web_workers", "web workers"),
            ("overview_cold_interactive_s", "overview cold (s)"),
            ("overview_interactive_s", "overview warm median (s)"),
            ("overview_interactive_max_s", "warm max (s)"),
            ("callbacks", "callbacks"),
            ("errors", "errors"),
            ("callback_p50_s", "p50 (s)"),
            ("callback_p95_s", "p95 (s)"),
            ("callback_max_s", "max (s)"),
            ("cold_load_callback_p95_s", "cold load p95 (s)"),
            ("warm_load_callback_p95_s", "warm loads p95 (s)"),
            ("callback_server_p95_s", "server p95 (s)"),
        ),
    ),
    "ingest-profile": Table("ingest*.json", prefix="profile"),
    "camera": Table("camera*.json"),
    "gate": Table("gate*.json"),
    "partitions": Table("partitions*.json", prefix="-"),
    "partitions-reads": Table("partitions*.json", matrix=("plain", "partitioned")),
    "kpi": Table("kpi*.json"),
    "reports": Table("reports*.json"),
    "alert": Table("alert*.json"),
    "scale-ingest": Table("scale*.json", records="ingest"),
    "scale-dashboards": Table("scale*.json", records="dashboards"),
    "scale-setup": Table("scale*.json", prefix="-"),
}


def flat(value: Any, key: str = "") -> dict[str, Any]:
    """Nested results as dotted keys (``ingest.1.full_speed.msgs_per_s``)."""
    if isinstance(value, dict) and value and key not in {"settings_differing", "errors_by_kind"}:
        found: dict[str, Any] = {}
        for name, inner in value.items():
            found.update(flat(inner, f"{key}.{name}" if key else str(name)))
        return found
    return {key: value}


def cell(value: Any) -> str:
    """A value as a table cell: thousands separated, small floats to 3 places."""
    if isinstance(value, dict):
        value = ", ".join(f"{k} = {v}" for k, v in value.items())
    elif isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if value < 100 else f"{value:,.0f}"
    return str(value).replace("|", "\\|")


def load(pattern: str, results: Path) -> list[tuple[str, dict[str, Any]]]:
    files = sorted(results.glob(pattern))
    return [(path.name, json.loads(path.read_text(encoding="utf-8"))) for path in files]


def rows_table(table: Table, found: list[tuple[str, dict[str, Any]]]) -> list[str]:
    header = ["file", *(title for _, title in table.columns)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, result in found:
        values = [f"`{name}`", *(cell(result.get(key)) for key, _ in table.columns)]
        lines.append("| " + " | ".join(values) + " |")
    return lines


def measures_table(table: Table, found: list[tuple[str, dict[str, Any]]]) -> list[str]:
    lines = []
    for name, result in found:
        measures = flat({k: v for k, v in result.items() if k not in {"meta", "bench"}})
        if table.prefix == "-":  # the run's set-up: everything not nested
            measures = {k: v for k, v in measures.items() if "." not in k}
        elif table.prefix:
            start = f"{table.prefix}."
            measures = {k[len(start) :]: v for k, v in measures.items() if k.startswith(start)}
        if not measures:
            continue
        lines += [f"`{name}`:", "", "| measure | value |", "|---|---|"]
        lines += [f"| {key} | {cell(value)} |" for key, value in measures.items()]
        lines.append("")
    return lines[:-1]


def matrix_table(table: Table, found: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """Rows named by the inner keys, one column per (outer key, measure)."""
    lines = []
    for name, result in found:
        groups = [(key, result.get(key) or {}) for key in table.matrix]
        rows = list(dict.fromkeys(row for _, group in groups for row in group))
        measures = list(dict.fromkeys(m for _, g in groups for r in g.values() for m in r))
        header = ["", *(f"{key} {m}" for key, _ in groups for m in measures)]
        lines += [f"`{name}`:", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for row in rows:
            cells = [cell(g.get(row, {}).get(m)) for _, g in groups for m in measures]
            lines.append("| " + " | ".join([row, *cells]) + " |")
        lines.append("")
    return lines[:-1]


def leaf_records(value: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every dict of plain measures under ``value``, labelled by its path (``2 · fixed_rate``)."""
    if not isinstance(value, dict):
        return []
    if not any(isinstance(v, dict) and k != "errors_by_kind" for k, v in value.items()):
        return [(path, value)]
    found = []
    for key, inner in value.items():
        found += leaf_records(inner, f"{path} · {key}" if path else str(key))
    return found


def records_table(table: Table, found: list[tuple[str, dict[str, Any]]]) -> list[str]:
    lines = []
    for name, result in found:
        rows = leaf_records(result.get(table.records) or {})
        measures = list(dict.fromkeys(m for _, row in rows for m in row))
        header = [table.records, *measures]
        lines += [f"`{name}`:", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for label, row in rows:
            lines.append("| " + " | ".join([label, *(cell(row.get(m)) for m in measures)]) + " |")
        lines.append("")
    return lines[:-1]


def provenance(found: list[tuple[str, dict[str, Any]]]) -> list[str]:
    lines = []
    for name, result in found:
        meta = result.get("meta", {})
        lines.append(
            f"- `{name}`: {meta.get('date', 'date not recorded')}, "
            f"{meta.get('machine', 'machine not recorded')}: `{meta.get('command', '?')}`"
        )
    return lines


def render(name: str, results: Path = RESULTS) -> str:
    table = TABLES.get(name)
    if table is None:
        raise SystemExit(f"unknown results block {name!r}; known: {', '.join(TABLES)}")
    found = load(table.pattern, results)
    if table.prefix not in {"", "-"}:
        found = [(n, r) for n, r in found if table.prefix in r]
    if not found:
        where = f" with `{table.prefix}`" if table.prefix not in {"", "-"} else ""
        return f"*No results file{where} yet (`bench/results/{table.pattern}`).*\n"
    if table.records:
        body = records_table(table, found)
    elif table.matrix:
        body = matrix_table(table, found)
    elif table.columns:
        body = rows_table(table, found)
    else:
        body = measures_table(table, found)
    return "\n".join([*body, "", "Measured:", "", *provenance(found)]) + "\n"


def rendered(text: str, results: Path = RESULTS) -> str:
    """``text`` with every results block rendered anew from the files in ``results``."""
    return BLOCK.sub(lambda m: m.group(1) + render(m.group("name"), results) + m.group(4), text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check the docs are current")
    args = parser.parse_args(argv)
    stale = []
    for doc in DOCS:
        old = doc.read_text(encoding="utf-8")
        new = rendered(old)
        if new != old:
            stale.append(doc.name)
            if not args.check:
                doc.write_text(new, encoding="utf-8")
    if args.check and stale:
        print(f"not what bench/results says: {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
