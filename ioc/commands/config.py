"""``ioc check-config``: validate the settings and say where each bad value came from."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from ioc.config import ConfigError, Settings, load_settings
from ioc.subcommand import add_command


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers, "check-config", "Kiểm tra cấu hình / check the configuration and print it"
    )
    parser.add_argument("--json", action="store_true", help="print the effective settings as JSON")
    parser.set_defaults(handler=check_config, raw_config=True)


def check_config(args: argparse.Namespace, _unused: Settings) -> int:
    try:
        settings = load_settings(args.config or os.environ.get("IOC_CONFIG"))
    except ConfigError as exc:
        print(f"{len(exc.problems)} lỗi cấu hình / configuration error(s):")
        for problem in exc.problems:
            print(f"  - {problem}")
        return 2
    if args.json:
        print(json.dumps(_redacted(settings.model_dump(mode="json")), ensure_ascii=False, indent=2))
    else:
        print("Cấu hình hợp lệ / configuration OK")
        print(f"  database: {_mask(settings.database_url)}")
        print(f"  mqtt:     {settings.mqtt.host}:{settings.mqtt.port}")
        print(f"  web:      http://{settings.web.host}:{settings.web.port}")
    return 0


def _mask(url: str) -> str:
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


def _redacted(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out[key] = _redacted(value)
        elif key == "password" and value:
            out[key] = "***"
        elif key == "url" and isinstance(value, str):
            out[key] = _mask(value)
        else:
            out[key] = value
    return out
