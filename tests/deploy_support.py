"""Checks shared by the deployment-kit tests: a role's settings loaded by the IOC's own
loader, a command line parsed by the IOC's own CLI, and KEY=VALUE files read."""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from ioc.cli import build_parser
from ioc.config import Settings, env_names, load_settings

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
SECRET_WORDS = ("PASSWORD", "SECRET", "TOKEN", "PASSWD", "PRIVATE_KEY", "API_KEY")


def role_settings(
    monkeypatch: pytest.MonkeyPatch,
    workdir: Path,
    env: Mapping[str, str],
    secret_files: Mapping[str, str] | None = None,
) -> Settings:
    """Settings of a role whose environment is exactly ``env`` (plus its secret files).

    ``IOC_SECRETS_DIR`` is pointed at a folder holding ``secret_files`` (name → value), like
    the container's /run/secrets or systemd's credentials directory.
    """
    for name in list(os.environ):
        if name.upper().startswith("IOC_") and not name.upper().startswith("IOC_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(workdir)  # no stray .env
    unknown = sorted(k for k in env if k.startswith("IOC_") and k not in env_names())
    assert unknown in ([], ["IOC_SECRETS_DIR"]), f"not IOC settings: {unknown}"
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if "IOC_SECRETS_DIR" in env:
        secrets = workdir / "secrets"
        secrets.mkdir(exist_ok=True)
        for name, value in (secret_files or {}).items():
            (secrets / name).write_text(value + "\n", encoding="utf-8")
        monkeypatch.setenv("IOC_SECRETS_DIR", str(secrets))
    return load_settings()


def ioc_command(argv: Sequence[str]) -> str:
    """The handler (module.function) of ``ioc …`` argv (argv[0] the program); fails if refused."""
    assert Path(argv[0]).name == "ioc", f"not an ioc command: {argv}"
    try:
        args = build_parser().parse_args(list(argv[1:]))
    except SystemExit as exc:  # argparse's way of refusing
        raise AssertionError(f"ioc refuses {' '.join(argv)}") from exc
    handler = getattr(args, "handler", None)
    assert handler is not None, f"{' '.join(argv)} names no sub-command"
    return f"{handler.__module__}.{handler.__name__}"


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines (comments and blank lines skipped), as docker and systemd read them."""
    values: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep, f"{path}: not KEY=VALUE: {line!r}"
        values[key.strip()] = value.strip()
    return values


def secret_looking(name: str, value: str) -> str | None:
    """Why a plain environment entry would leak a secret, or None."""
    upper = name.upper()
    if any(word in upper for word in SECRET_WORDS) and not upper.endswith(("_FILE", "_DIR")):
        return f"{name} holds a secret in plain text"
    if "://" in value and "@" in value.split("://", 1)[1].split("/", 1)[0]:
        return f"{name} holds a URL with credentials"
    if upper == "IOC_DATABASE__URL":
        return "the database URL (with its password) belongs in a secret file"
    return None


def split_assignments(text: str) -> dict[str, str]:
    """systemd's ``Environment=A=1 B="two words"`` as a mapping."""
    return dict(item.split("=", 1) for item in shlex.split(text))
