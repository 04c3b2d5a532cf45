"""``ioc run|serve|ingest|aggregates|simulate``: start the IOC's processes, all or one."""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from camera.worker import camera_task
from ioc.aggregates.refresher import aggregates_task, refresher_for
from ioc.auth.demo import use_demo_anchor_key, use_demo_link_secret
from ioc.broker import BrokerStartError
from ioc.config import CONFIG_ENV, Settings
from ioc.connectors.service import connectors_task
from ioc.incidents.worker import incidents_task
from ioc.maintenance.job import maintenance_task
from ioc.runtime import Orchestrator, Task
from ioc.sim.demo import prepare_store
from ioc.sim.field_officer import field_officer_task
from ioc.sim.lgsp import demo_source_task
from ioc.sim.province import simulator_task
from ioc.store import Store, open_store
from ioc.subcommand import add_command
from ioc.tasks import broker_task, ingest_task, web_task
from ioc.timeutil import utcnow

log = logging.getLogger(__name__)

DEFAULT_GUNICORN_CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"


def register(subparsers: Any) -> None:
    run = add_command(
        subparsers,
        "run",
        "Chạy toàn bộ IOC trên cấu hình nhúng / run everything: embedded database and broker, "
        "ingest, simulated province, dashboard (same as python app.py)",
    )
    run.add_argument(
        "--no-simulator",
        action="store_true",
        help="no simulated devices and no demo video analysis (real devices only)",
    )
    run.set_defaults(handler=run_all)
    serve = add_command(subparsers, "serve", "Chỉ chạy bảng điều khiển / dashboard only")
    serve.add_argument(
        "--gunicorn",
        action="store_true",
        help="production: several processes under gunicorn, tuned by --gunicorn-config "
        "(default: one threaded process)",
    )
    serve.add_argument(
        "--gunicorn-config",
        metavar="FILE.py",
        type=Path,
        default=DEFAULT_GUNICORN_CONFIG,
        help=f"gunicorn settings file (default: {DEFAULT_GUNICORN_CONFIG})",
    )
    serve.set_defaults(handler=serve_dashboard)
    ingest = add_command(subparsers, "ingest", "Chỉ chạy tiến trình nhận MQTT / ingest only")
    ingest.set_defaults(handler=run_ingest)
    aggregates = add_command(
        subparsers,
        "aggregates",
        "Tính lại số liệu tổng hợp dùng chung cho bảng điều khiển / refresh the shared "
        "dashboard aggregates every aggregates.refresh_s (one process at a time holds the lock)",
    )
    aggregates.add_argument(
        "--once", action="store_true", help="refresh once and exit (when the lock is free)"
    )
    aggregates.set_defaults(handler=run_aggregates)
    simulate = add_command(
        subparsers, "simulate", "Mô phỏng camera qua MQTT / publish simulated camera traffic"
    )
    simulate.set_defaults(handler=lambda a, s: _run_roles(s, ["simulator"]))
    maintenance = add_command(
        subparsers,
        "maintenance",
        "Bảo trì định kỳ: lưu giữ dữ liệu mỗi ngày / scheduled housekeeping: retention at "
        "start and every retention.interval_h hours (one per installation)",
    )
    maintenance.set_defaults(handler=run_maintenance)


def serve_dashboard(args: argparse.Namespace, settings: Settings) -> int:
    """The web role: one threaded process, or gunicorn's master and its workers."""
    if not args.gunicorn:
        return _run_roles(settings, ["web"])
    from ioc.web.serving import DashboardServer

    if args.config:  # the config file and the workers read the same YAML file
        os.environ[CONFIG_ENV] = str(Path(args.config).resolve())
    DashboardServer(args.gunicorn_config).run()  # returns only by SystemExit
    return 0


def run_ingest(_args: argparse.Namespace, settings: Settings) -> int:
    """The ingest role: one MQTT ingest worker (run several with a shared group)."""
    return _run_roles(settings, ["ingest"])


def run_all(args: argparse.Namespace, settings: Settings) -> int:
    use_demo_link_secret(settings.auth, settings.var_dir)  # web and incidents share the key
    use_demo_anchor_key(settings.audit, settings.var_dir)  # the maintenance role signs with it
    return _run_roles(settings, demo_roles(settings, args.no_simulator), demo=True)


def demo_roles(settings: Settings, no_simulator: bool) -> list[str]:
    """The roles ``python app.py`` runs: all of them, the simulated ones unless switched
    off (``--no-simulator``; the field officer alone by ``simulator.field_officer``); the
    connectors when sources are declared, else pulling from a fake LGSP source
    (``connectors.demo_source``)."""
    simulated = [] if no_simulator else ["simulator", "cameras"]
    if simulated and settings.simulator.field_officer:
        simulated.append("field-officer")
    roles = ["web", "ingest", "incidents", "maintenance", "aggregates", *simulated]
    if settings.connectors.sources_file:
        roles.append("connectors")
    elif simulated and settings.connectors.demo_source:
        roles += ["fake-lgsp", "connectors"]  # the fake source first: it names the file
    if settings.broker.embedded:
        roles.insert(0, "broker")
    return roles


def run_maintenance(_args: argparse.Namespace, settings: Settings) -> int:
    """``ioc maintenance``: partitions ahead and retention, at start and daily."""
    return _run_roles(settings, ["maintenance"])


def run_aggregates(args: argparse.Namespace, settings: Settings) -> int:
    """``ioc aggregates``: the refresher role, or one refresh with ``--once``."""
    if not args.once:
        return _run_roles(settings, ["aggregates"])
    store = open_store(settings.database_url)
    try:
        refresher = refresher_for(settings, store)
        ran = refresher.tick(utcnow())
        refresher.lock.release()
    finally:
        store.dispose()
    if not ran:
        print("another refresher holds the lock; nothing done")
        return 0
    assert refresher.last is not None
    last = refresher.last
    print(
        f"refreshed: {last.periods} KPI periods, {last.reports} report aggregates "
        f"in {last.seconds:.2f} s"
    )
    return 0


def _run_roles(settings: Settings, roles: list[str], demo: bool = False) -> int:
    store = prepare_store(settings) if demo else open_store(settings.database_url)
    orchestrator = Orchestrator()
    try:
        for role in roles:
            orchestrator.add(role, _task(role, settings, store))
    except (BrokerStartError, OSError) as exc:
        log.error("cannot start %s: %s", role, exc)
        orchestrator.stop.set()
        return 1
    orchestrator.install_signal_handlers()
    try:
        return orchestrator.run()
    finally:
        store.dispose()


TaskFactory = Callable[[Settings, Store], Task]

# Every role by name: how to build its task from the settings and the opened store.
ROLES: dict[str, TaskFactory] = {
    "broker": lambda settings, _store: broker_task(settings),
    "web": web_task,
    "ingest": ingest_task,
    "cameras": lambda settings, _store: camera_task(settings),
    "incidents": lambda settings, _store: incidents_task(settings),
    "field-officer": lambda settings, _store: field_officer_task(settings),
    "simulator": simulator_task,
    "maintenance": maintenance_task,
    "aggregates": aggregates_task,
    "connectors": connectors_task,
    "fake-lgsp": demo_source_task,
}


def _task(role: str, settings: Settings, store: Store) -> Task:
    return ROLES[role](settings, store)
