"""Each bench's argument handling and the keys of its JSON, without running it (not timed)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from bench import dashboard, ingest, live, profile, scale
from bench.dash_replay import Timings
from bench.results import emit
from ioc.config import IngestSettings, WebSettings


def test_ingest_defaults_are_the_products_and_faults_are_fractions() -> None:
    args = ingest.parse_args([])
    assert args.batch_size == IngestSettings().batch_size
    assert ingest.settings_differing(args) == {"mqtt.protocol": "5"}  # as deploy/ sets it
    tuned = ingest.settings_differing(ingest.parse_args(["--batch-size", "2000"]))
    assert tuned["ingest.batch_size"] == 2000
    assert ingest.parse_args(["--kill-worker-at", "0.5"]).kill_worker_at == 0.5
    for bad in (["--kill-worker-at", "1.5"], ["--restart-broker-at", "0"], ["--messages", "0"]):
        with pytest.raises(SystemExit):
            ingest.parse_args(bad)


def test_ingest_baseline_needs_postgresql() -> None:
    with pytest.raises(SystemExit):
        ingest.parse_args(["--baseline", "--database-url", "sqlite:///x.db"])


def test_ingest_summary_gives_the_ratio_only_with_a_baseline() -> None:
    args = ingest.parse_args(["--kill-worker-at", "0.5"])
    worker = {"msgs_per_s": 3000.0, "lost": 0, "stored_duplicates": 0, "p95_latency_s": 1.0}
    alone = ingest.summary(args, "postgresql", worker, None)
    assert "ratio" not in alone
    assert alone["kill_worker_at"] == 0.5
    base = {"msgs_per_s": 2000.0, "lost": 0, "p95_latency_s": 2.0}
    both = ingest.summary(args, "postgresql", worker, base)
    assert both["ratio"] == 1.5
    assert both["baseline_msgs_per_s"] == 2000.0


def test_live_runs_the_product_defaults_unless_told() -> None:
    args = live.parse_args([])
    assert args.refresh == WebSettings().refresh_s
    assert args.max_latency == IngestSettings().max_latency_s
    assert live.settings_differing(args) == live.BENCH_SETTINGS
    tuned = live.settings_differing(live.parse_args(["--refresh", "1", "--max-latency", "0.05"]))
    assert tuned["web.refresh_s"] == 1.0
    assert tuned["ingest.max_latency_s"] == 0.05
    with pytest.raises(SystemExit):
        live.parse_args(["--events", "0"])


def test_scale_runs_the_product_defaults_and_checks_its_lists() -> None:
    args = scale.parse_args([])
    assert args.refresh == WebSettings().refresh_s
    assert scale.settings_differing(args) == scale.BENCH_SETTINGS
    tuned = scale.settings_differing(scale.parse_args(["--batch-size", "2000"]))
    assert tuned["ingest.batch_size"] == 2000
    for bad in (["--clients", "1,many"], ["--phases", "ingest,coffee"]):
        with pytest.raises(SystemExit):
            scale.parse_args(bad)


def test_scale_summary_keeps_errors_out_of_the_percentiles() -> None:
    timings = Timings()
    timings.add("load", 0.2)
    timings.add("tick", 0.1)
    timings.fail("TimeoutError")
    timings.fail("status 500")
    timings.screen_failed(KeyError("inputs"))
    found = scale.summary(timings, 1, 10.0, 0.5, 0.5)
    assert found["requests"] == 2
    assert found["errors"] == 2
    assert found["errors_by_kind"] == {"TimeoutError": 1, "status 500": 1}
    assert found["screen_errors"] == 1
    assert found["callback_max_s"] == 0.2  # a failed request is not a 0 s answer


def test_dashboard_reports_cold_and_warm_loads_apart() -> None:
    with pytest.raises(SystemExit):
        dashboard.parse_args(["--loads", "0"])
    record = dashboard.Callbacks()
    record.times["cold"] += [0.5, 0.9]
    record.times["warm"] += [0.05, 0.06]
    record.fail("status 500")
    found = dashboard.callback_figures(record)
    assert found["callbacks"] == 4
    assert found["cold_load_callbacks"] == 2
    assert found["cold_load_callback_max_s"] == 0.9
    assert found["warm_load_callback_p95_s"] == 0.06
    assert found["errors"] == 1


def test_emit_prints_one_line_and_writes_the_result_with_its_meta(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results" / "x.json"
    emit({"bench": "x", "value": 1}, str(out))
    printed = capsys.readouterr().out.strip().splitlines()
    assert json.loads(printed[-1]) == {"bench": "x", "value": 1}
    written = json.loads(out.read_text())
    assert written["value"] == 1
    assert set(written["meta"]) == {"date", "machine", "command"}
    assert written["meta"]["command"].startswith("python bench/")


def test_fraction_names_the_bad_value() -> None:
    with pytest.raises(argparse.ArgumentTypeError, match=r"1\.2"):
        ingest.fraction("1.2")


def test_profile_shares_add_up_and_name_their_parts() -> None:
    raw = "\n".join(
        [
            "Thread._bootstrap;Client._thread_main;Client.loop_read;Client._packet_read 30",
            "Thread._bootstrap;IngestWorker.run;parse_batch;parse_message 20",
            "Thread._bootstrap;IngestWorker.run;BatchWriter.write;_copy_postgres 50",
        ]
    )
    shares = profile.summarise(raw)
    assert shares == {
        "writing: COPY, INSERT ... ON CONFLICT, commit": 50.0,
        "paho: reading and decoding packets": 30.0,
        "parsing": 20.0,
    }
