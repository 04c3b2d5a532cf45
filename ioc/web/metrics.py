"""``GET /metrics``: the workers' counters and the cameras' states in Prometheus text format.

Workers put their counters in the store (``worker_stats``), so any web process can serve
every worker's numbers, however many hosts they run on.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from flask import Blueprint, Response

from ioc.app_context import current_settings, current_store
from ioc.store.cameras import camera_states
from ioc.store.worker_stats import all_stats
from ioc.timeutil import utcnow

metrics = Blueprint("metrics", __name__)
NAME = re.compile(r"[^a-zA-Z0-9_]")


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def worker_lines(rows: Iterable[tuple[str, str, dict[str, float], float]]) -> list[str]:
    """Prometheus lines for (worker id, role, counters, age in seconds) rows."""
    lines = []
    for worker_id, role, counters, age in rows:
        labels = f'worker="{_label(worker_id)}",role="{_label(role)}"'
        for key, value in sorted(counters.items()):
            if key.startswith("rejected."):
                reason = _label(key.split(".", 1)[1])
                lines.append(f'ioc_ingest_rejected_total{{{labels},reason="{reason}"}} {value}')
            elif key.startswith("camera."):  # a camera worker's frames analysed per camera
                camera = _label(key.split(".", 1)[1])
                lines.append(f'ioc_camera_frames_analysed{{{labels},camera="{camera}"}} {value}')
            else:
                lines.append(f"ioc_{role}_{NAME.sub('_', key)}{{{labels}}} {value}")
        lines.append(f"ioc_worker_report_age_seconds{{{labels}}} {age:.1f}")
    return lines


@metrics.get("/metrics")
def serve_metrics() -> Response:
    now = utcnow()
    store, settings = current_store(), current_settings()
    with store.session() as session:
        rows = [
            (w.worker_id, w.role, w.counters, (now - w.updated_at).total_seconds())
            for w in all_stats(session)
        ]
        states = Counter(c.status.value for c in camera_states(session, now, settings.cameras))
    lines = worker_lines(rows)
    lines += [
        f'ioc_cameras{{status="{status}"}} {count}' for status, count in sorted(states.items())
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain; version=0.0.4")
