"""Where a bench's result goes: one JSON line on stdout and, with ``--out FILE``, a file.

Every bench prints its result as the last line of its output. ``--out FILE`` also writes
that line to FILE — by convention ``bench/results/<name>.json`` — with a ``meta`` object
saying when, on what machine and with which command it was measured, so
``scripts/render_perf.py`` can put the figures into the docs without anybody retyping
them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def add_out_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        metavar="FILE",
        default="",
        help="also write the JSON line to FILE (convention: bench/results/<name>.json)",
    )


def machine() -> str:
    """A short description of the machine: CPUs, memory, 1-minute load average, OS, Python."""
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return (
        f"{os.cpu_count()} CPUs{memory}, load {load:.1f} at the end, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def meta() -> dict[str, str]:
    """When, where and how: the date (UTC), the machine and the command line."""
    argv = [Path(sys.argv[0]).as_posix().split("/bench/")[-1], *sys.argv[1:]]
    if not argv[0].startswith("bench/"):
        argv[0] = f"bench/{Path(argv[0]).name}"
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "command": "python " + shlex.join(argv),
    }


def emit(result: dict[str, Any], out: str = "") -> None:
    """Print ``result`` as one JSON line; with ``out`` also write it there with ``meta``."""
    line = json.dumps(result)
    print(line, flush=True)
    if out:
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({**result, "meta": meta()}) + "\n", encoding="utf-8")
