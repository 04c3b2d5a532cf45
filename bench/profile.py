"""Where a worker process spends its time: py-spy samples summed into a few named parts.

``bench/ingest.py --profile 15`` records the ingest worker with py-spy for 15 s in the
middle of the run and puts the shares in its JSON, so the answer to "where does the time
go" is measured with the run it explains. py-spy is a dev tool (requirements-dev.txt);
without it the profile says so instead of failing the bench.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

# (part, a frame name that puts a sample in it): the first match wins, in this order.
PARTS = (
    ("parsing", "parse_batch"),
    ("writing: COPY, INSERT ... ON CONFLICT, commit", "BatchWriter.write"),
    ("writing: worker counters", "save_stats"),
    ("paho: handing each message over (topic matching, callback, queue)", "_handle_on_message"),
    ("paho: reading and decoding packets", "loop_read"),
    ("paho: sending acks", "Client.ack"),
    ("paho: select loop, writes, keep-alive", "_thread_main"),
    ("the worker waiting for its queue", "IngestWorker._collect"),
)


def part_of(stack: str) -> str:
    for part, frame in PARTS:
        if frame in stack:
            return part
    return "other"


def summarise(raw: str) -> dict[str, float]:
    """py-spy's raw (collapsed) output → each part's share of the samples, in %."""
    parts: Counter[str] = Counter()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            parts[part_of(stack)] += int(count)
    total = sum(parts.values()) or 1
    return {part: round(100 * n / total, 1) for part, n in parts.most_common()}


def record(pid: int, seconds: float) -> dict[str, object]:
    """Sample process ``pid`` for ``seconds`` (50 Hz, active threads only)."""
    spy = shutil.which("py-spy")
    if spy is None:
        return {"error": "py-spy is not installed (pip install -r requirements-dev.txt)"}
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "raw.txt"
        command = [spy, "record", "-p", str(pid), "-d", str(int(seconds)), "-r", "50"]
        command += ["-f", "raw", "-o", str(out), "--nonblocking"]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not out.exists():
            return {"error": done.stderr.strip()[-300:]}
        raw = out.read_text()
    samples = sum(int(line.rpartition(" ")[2]) for line in raw.splitlines() if line.strip())
    return {"seconds": seconds, "samples": samples, "share_pct": summarise(raw)}
