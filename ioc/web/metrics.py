"""``GET /metrics``: the workers' counters and the cameras' states in Prometheus text format.

Workers put their counters in the store (``worker_stats``), so any web process can serve
every worker's numbers, however many hosts they run on. The text is written by
prometheus_client from families built per scrape (``# HELP``, ``# TYPE``; counters end in
``_total``); as nothing is counted in the web process itself, gunicorn needs no
multiprocess mode.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from flask import Blueprint, Response
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.registry import Collector

from ioc.app_context import current_settings, current_store
from ioc.store.cameras import camera_states
from ioc.store.worker_stats import all_stats
from ioc.timeutil import utcnow

metrics = Blueprint("metrics", __name__)
NAME = re.compile(r"[^a-zA-Z0-9_]")
# Workers' numbers that go up and down; every other counter only grows (-> ``_total``).
GAUGES = frozenset({"cameras", "shard_index", "shard_count", "lease_mode", "queue_depth"})

Row = tuple[str, str, dict[str, float], float]  # worker id, role, counters, age in seconds


def is_gauge(key: str) -> bool:
    return key in GAUGES or key.endswith("_seconds")


class Families:
    """Metric families by name, made on first use, in the order first seen."""

    def __init__(self) -> None:
        self.found: dict[str, CounterMetricFamily | GaugeMetricFamily] = {}

    def add(self, name: str, doc: str, labels: dict[str, str], value: float, counter: bool) -> None:
        family = self.found.get(name)
        if family is None:
            kind = CounterMetricFamily if counter else GaugeMetricFamily
            family = self.found[name] = kind(name, doc, labels=list(labels))
        family.add_metric(list(labels.values()), value)


def worker_families(rows: Iterable[Row]) -> list[Metric]:
    """Prometheus families of the workers' counters, labelled by worker and role."""
    families = Families()
    for worker_id, role, counters, age in rows:
        ids = {"worker": worker_id, "role": role}
        for key, value in sorted(counters.items()):
            kind, _, detail = key.partition(".")
            if kind == "rejected" and detail:
                doc = "Messages dead-lettered, by reason."
                families.add("ioc_ingest_rejected", doc, {**ids, "reason": detail}, value, True)
            elif kind == "camera" and detail:  # a camera worker's frames, per camera
                doc = "Frames analysed, by camera."
                families.add(
                    "ioc_camera_frames_analysed", doc, {**ids, "camera": detail}, value, True
                )
            else:
                name = f"ioc_{NAME.sub('_', role)}_{NAME.sub('_', key)}"
                families.add(name, f"{role} worker: {key}.", ids, value, not is_gauge(key))
        doc = "Seconds since the worker last reported."
        families.add("ioc_worker_report_age_seconds", doc, ids, round(age, 1), False)
    return list(families.found.values())


def camera_family(states: Counter[str]) -> Metric:
    family = GaugeMetricFamily("ioc_cameras", "Cameras by status.", labels=["status"])
    for status, count in sorted(states.items()):
        family.add_metric([status], count)
    return family


class Snapshot(Collector):
    """Families read from the store for one scrape."""

    def __init__(self, families: Sequence[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterable[Metric]:
        return self.families


def exposition(families: Sequence[Metric]) -> bytes:
    """Prometheus text (``# HELP``, ``# TYPE``, samples) of ``families``."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(Snapshot(families))
    return generate_latest(registry)


@metrics.get("/metrics")
def serve_metrics() -> Response:
    now = utcnow()
    store, settings = current_store(), current_settings()
    with store.session() as session:
        rows = [
            (w.worker_id, w.role, w.counters, (now - w.updated_at).total_seconds())
            for w in all_stats(session, now)
        ]
        states = Counter(c.status.value for c in camera_states(session, now, settings.cameras))
    families = [*worker_families(rows), camera_family(states)]
    return Response(exposition(families), content_type=CONTENT_TYPE_PLAIN_0_0_4)
