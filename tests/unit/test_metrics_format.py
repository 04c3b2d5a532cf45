"""Prometheus text for worker counters, read back with prometheus_client's own parser."""

from __future__ import annotations

from collections import Counter

from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from ioc.web.metrics import Row, camera_family, exposition, worker_families

INGEST: Row = (
    "host:12:ioc-ingest",
    "ingest",
    {"received": 10, "rejected.not_json": 2, "lag_seconds": 0.25, "queue_depth": 3},
    1.5,
)
CAMERAS: Row = ("h:7:cameras-1/2", "cameras", {"cameras": 1, "camera.LD-DL-01": 40}, 2.0)


def parsed(rows: list[Row], states: Counter[str] | None = None) -> dict[str, tuple[str, str]]:
    """Family name -> (type, help) of the exposition, parsed."""
    text = exposition([*worker_families(rows), camera_family(states or Counter())]).decode()
    return {f.name: (f.type, f.documentation) for f in text_string_to_metric_families(text)}


def samples(rows: list[Row]) -> list[Sample]:
    text = exposition(worker_families(rows)).decode()
    return [s for f in text_string_to_metric_families(text) for s in f.samples]


def test_counters_are_typed_counters_ending_in_total() -> None:
    families = parsed([INGEST])
    assert families["ioc_ingest_received"][0] == "counter"
    assert families["ioc_ingest_rejected"][0] == "counter"
    assert families["ioc_ingest_lag_seconds"][0] == "gauge"
    assert families["ioc_ingest_queue_depth"][0] == "gauge"
    assert families["ioc_worker_report_age_seconds"] == (
        "gauge",
        "Seconds since the worker last reported.",
    )
    names = {s.name: s for s in samples([INGEST])}
    assert names["ioc_ingest_received_total"].value == 10
    assert names["ioc_ingest_received_total"].labels == {
        "worker": "host:12:ioc-ingest",
        "role": "ingest",
    }
    rejected = names["ioc_ingest_rejected_total"]
    assert (rejected.labels["reason"], rejected.value) == ("not_json", 2)


def test_every_family_has_help_and_type_lines() -> None:
    text = exposition([*worker_families([INGEST, CAMERAS]), camera_family(Counter())]).decode()
    helps = {line.split()[2] for line in text.splitlines() if line.startswith("# HELP")}
    types = {line.split()[2] for line in text.splitlines() if line.startswith("# TYPE")}
    assert helps == types
    assert {name.removesuffix("_total") for name in types} == set(parsed([INGEST, CAMERAS]))
    assert "ioc_ingest_received_total" in types  # the text names a counter by its samples


def test_label_values_are_escaped() -> None:
    [sample, *_] = samples([('a"b\\c', "ingest", {"stored": 1}, 0.0)])
    assert sample.labels["worker"] == 'a"b\\c'


def test_camera_workers_name_their_cameras() -> None:
    found = {(s.name, s.labels.get("camera")): s.value for s in samples([CAMERAS])}
    assert found[("ioc_camera_frames_analysed_total", "LD-DL-01")] == 40
    assert found[("ioc_cameras_cameras", None)] == 1  # a gauge: no _total
    assert found[("ioc_worker_report_age_seconds", None)] == 2.0


def test_cameras_by_status() -> None:
    text = exposition([camera_family(Counter({"online": 20, "offline": 5}))]).decode()
    [family] = text_string_to_metric_families(text)
    assert family.type == "gauge"
    assert {s.labels["status"]: s.value for s in family.samples} == {"online": 20, "offline": 5}
