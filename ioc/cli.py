"""The ``ioc`` command: one entry point, a sub-command per role or chore.

Each sub-command is registered by the module that owns it (``register(subparsers)``), and
its handler takes the parsed arguments and the loaded settings and returns an exit code.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from importlib import import_module

from ioc import __version__
from ioc.config import ConfigError, Settings, load_settings

Handler = Callable[[argparse.Namespace, Settings], int]

# Modules that add sub-commands; imported lazily so `ioc --help` stays fast.
COMMAND_MODULES = (
    "ioc.commands.config",
    "ioc.commands.db",
    "ioc.geography.commands",
    "ioc.commands.start",
    "ioc.commands.cameras",
    "ioc.incidents.commands",
    "ioc.notify.commands",
    "ioc.kpi.commands",
    "ioc.digital.commands",
    "ioc.reports.commands",
    "ioc.audit.commands",
    "ioc.maintenance.commands",
    "ioc.auth.commands",
    "ioc.connectors.commands",
    "ioc.iocs.commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ioc",
        description="Lâm Đồng IOC: Trung tâm Giám sát, điều hành thông minh (IOC) tỉnh Lâm Đồng.",
    )
    parser.add_argument("--version", action="version", version=f"ioc {__version__}")
    parser.add_argument(
        "--config", metavar="FILE.yaml", help="YAML settings file (also env IOC_CONFIG)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    if getattr(args, "raw_config", False):
        return handler(args, Settings.model_construct())
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print("Cấu hình không hợp lệ / invalid configuration:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if settings.log_level != "DEBUG":  # libraries' chatter (state machines, each request)
        for noisy in ("alembic", "transitions", "amqtt", "werkzeug"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    return handler(args, settings)


if __name__ == "__main__":
    sys.exit(main())
