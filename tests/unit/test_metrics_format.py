"""Prometheus text for worker counters."""

from __future__ import annotations

from ioc.web.metrics import worker_lines


def test_counters_become_labelled_lines() -> None:
    lines = worker_lines(
        [("host:12:ioc-ingest", "ingest", {"received": 10, "rejected.not_json": 2}, 1.5)]
    )
    assert lines == [
        'ioc_ingest_received{worker="host:12:ioc-ingest",role="ingest"} 10',
        'ioc_ingest_rejected_total{worker="host:12:ioc-ingest",role="ingest",reason="not_json"} 2',
        'ioc_worker_report_age_seconds{worker="host:12:ioc-ingest",role="ingest"} 1.5',
    ]


def test_label_values_are_escaped() -> None:
    [line, _] = worker_lines([('a"b', "ingest", {"stored": 1}, 0.0)])
    assert 'worker="a\\"b"' in line


def test_camera_workers_name_their_cameras() -> None:
    lines = worker_lines(
        [("h:7:cameras-1/2", "cameras", {"cameras": 1, "camera.LD-DL-01": 40}, 2.0)]
    )
    labels = 'worker="h:7:cameras-1/2",role="cameras"'
    assert lines == [
        f'ioc_camera_frames_analysed{{{labels},camera="LD-DL-01"}} 40',
        f"ioc_cameras_cameras{{{labels}}} 1",
        f"ioc_worker_report_age_seconds{{{labels}}} 2.0",
    ]
