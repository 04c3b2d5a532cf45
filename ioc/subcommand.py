"""How a room adds its sub-command to the ``ioc`` CLI (shared by every ``commands`` module)."""

from __future__ import annotations

import argparse
from typing import Any


def add_command(subparsers: Any, name: str, help_text: str) -> argparse.ArgumentParser:
    """A sub-command whose --help shows its help text as description."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=help_text, description=help_text
    )
    return parser
