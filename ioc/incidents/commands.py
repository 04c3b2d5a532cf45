"""``ioc incidents run|false-alarms|history``: the incidents worker and its reports."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from ioc.config import Settings
from ioc.runtime import Orchestrator
from ioc.subcommand import add_command


def register(subparsers: Any) -> None:
    incidents = add_command(
        subparsers, "incidents", "Sự cố và cảnh báo hiện trường / incidents and field alerts"
    )
    sub = incidents.add_subparsers(dest="incidents_command", metavar="ACTION")
    run = add_command(
        sub, "run", "Gom phát hiện thành sự cố, gửi cảnh báo / run the incidents worker"
    )
    run.set_defaults(handler=run_worker)
    report = add_command(
        sub, "false-alarms", "Báo động giả theo camera / false alarms per camera (JSON)"
    )
    report.set_defaults(handler=false_alarms)
    story = add_command(sub, "history", "Nhật ký một sự cố / audit trail of one incident")
    story.add_argument("incident_id", type=int, help="incident number")
    story.set_defaults(handler=history)
    replay = add_command(
        sub,
        "replay",
        "Xử lý lại các dòng bị gác lại / process the rows the worker set aside again",
    )
    replay.set_defaults(handler=replay_set_aside)
    incidents.set_defaults(handler=lambda a, s: _usage(incidents))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def run_worker(_args: argparse.Namespace, settings: Settings) -> int:
    from ioc.incidents.worker import incidents_task

    orchestrator = Orchestrator()
    orchestrator.add("incidents", incidents_task(settings))
    orchestrator.install_signal_handlers()
    return orchestrator.run()


def replay_set_aside(_args: argparse.Namespace, settings: Settings) -> int:
    """Each row set aside (a dead letter of source ``incidents``) is processed again; the
    ones that still fail stay set aside. Exit status 1 when any still fails."""
    from ioc.incidents.worker import IncidentWorker
    from ioc.store import open_store

    store = open_store(settings.database_url)
    worker = IncidentWorker(settings, store)
    try:
        replayed, failing = worker.replay()
    finally:
        worker.dispatcher.close()
        store.dispose()
    print(f"replayed {replayed}, still failing {failing}")
    return 1 if failing else 0


def false_alarms(_args: argparse.Namespace, settings: Settings) -> int:
    from ioc.incidents.queries import false_alarm_report
    from ioc.store import open_store

    store = open_store(settings.database_url)
    with store.session() as session:
        rows = [asdict(row) for row in false_alarm_report(session)]
    store.dispose()
    print(json.dumps(rows, ensure_ascii=False, indent=1))
    return 0


def history(args: argparse.Namespace, settings: Settings) -> int:
    from ioc.incidents.audit import history as incident_history
    from ioc.store import open_store

    store = open_store(settings.database_url)
    with store.session() as session:
        for event in incident_history(session, args.incident_id):
            fields = [event.at.isoformat(), event.actor, event.action, event.to_status or ""]
            print("\t".join([*fields, event.client, event.note]))
    store.dispose()
    return 0
