"""Settings kept in files: one file per setting, named like its environment variable.

``IOC_SECRETS_DIR`` names a directory (Docker's ``/run/secrets``, systemd's credentials
directory ``%d``) holding files such as ``IOC_DATABASE__URL`` or ``IOC_MQTT__PASSWORD``; each
file's content, without its trailing line break, is that setting's value. Passwords so stay
out of compose files, unit files, ``ps`` and ``/proc/<pid>/environ``.

Only files whose name starts with ``IOC_`` are read (the directory may hold other services'
secrets); :mod:`ioc.config` rejects an ``IOC_`` name that is not a setting, like an unknown
environment variable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SECRETS_ENV = "IOC_SECRETS_DIR"
MAX_BYTES = 64 * 1024


@dataclass(frozen=True)
class SecretFiles:
    """Values read from a secrets directory, and what could not be read."""

    directory: Path
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # file name (or "") -> reason

    def path_of(self, name: str) -> Path:
        return self.directory / name


def read_secret_files(directory: Path, prefix: str = "IOC_") -> SecretFiles:
    """Every regular ``IOC_*`` file of ``directory`` as name → value (upper-cased names)."""
    found = SecretFiles(directory)
    if not directory.is_dir():
        found.errors[""] = "secrets directory not found"
        return found
    for path in sorted(directory.iterdir()):
        name = path.name.upper()
        if not name.startswith(prefix) or not path.is_file():
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            found.errors[path.name] = f"cannot read: {exc.strerror or exc}"
            continue
        if len(data) > MAX_BYTES:
            found.errors[path.name] = f"larger than {MAX_BYTES} bytes"
            continue
        try:
            found.values[name] = data.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            found.errors[path.name] = "not UTF-8 text"
    return found


class SecretFileError(ValueError):
    """A named secret file cannot be used (missing, unreadable, too large, empty)."""


def read_secret_file(path: Path) -> str:
    """One secret kept in its own file (a token, an API key), without its trailing break."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SecretFileError(f"secret file {path}: cannot read: {exc.strerror or exc}") from exc
    if len(data) > MAX_BYTES:
        raise SecretFileError(f"secret file {path}: larger than {MAX_BYTES} bytes")
    try:
        value = data.decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        raise SecretFileError(f"secret file {path}: not UTF-8 text") from exc
    if not value:
        raise SecretFileError(f"secret file {path}: empty")
    return value
