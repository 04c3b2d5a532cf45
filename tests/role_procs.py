"""IOC roles as separate OS processes, the way systemd units or containers run them:
``python -m ioc.cli <role>`` with nothing but ``IOC_*`` environment variables."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

ROOT = Path(__file__).resolve().parents[1]


def role_env(database_url: str, mqtt_port: int, prefix: str, var_dir: Path) -> dict[str, str]:
    """The environment every role of one test installation shares (no stray IOC_* keys)."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("IOC_")}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "IOC_DATABASE__URL": database_url,
            "IOC_VAR_DIR": str(var_dir),
            "IOC_BROKER__EMBEDDED": "false",
            "IOC_MQTT__HOST": "127.0.0.1",
            "IOC_MQTT__PORT": str(mqtt_port),
            "IOC_MQTT__TOPIC_PREFIX": prefix,
        }
    )
    return env


class RoleProcess:
    """One ``ioc`` command in its own process; its output goes to a log file."""

    def __init__(self, name: str, args: Sequence[str], env: dict[str, str], workdir: Path) -> None:
        self.name = name
        self.args = list(args)
        self.env = env
        self.workdir = workdir
        self.log = workdir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RoleProcess:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "ioc.cli", *self.args],
                cwd=self.workdir,  # no .env of the repository is read
                env=self.env,
                stdout=out,
                stderr=out,
            )
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no goodbye, no flush, no ack (a crash or an OOM kill)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def terminate(self) -> None:
        """SIGTERM, as systemd or docker sends it to stop a role."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float = 20) -> int | None:
        """The exit code; SIGKILL if the process does not end in time (then -9)."""
        if self.process is None:
            return None
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        return self.process.returncode

    def stop(self, timeout: float = 20) -> int | None:
        self.terminate()
        return self.wait(timeout)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""


def run_once(args: Sequence[str], env: dict[str, str], workdir: Path, timeout: float = 60) -> str:
    """A one-shot command (``ioc db upgrade``…); its output, or AssertionError if it fails."""
    done = subprocess.run(
        [sys.executable, "-m", "ioc.cli", *args],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"ioc {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


def listener(port: int, topic: str, inbox: list[tuple[str, bytes]]) -> mqtt.Client:
    """A subscriber collecting (topic, payload) of every message on ``topic``."""
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2)
    subscribed = threading.Event()
    client.on_connect = lambda c, *_: c.subscribe(topic, qos=1)
    client.on_subscribe = lambda *_: subscribed.set()
    client.on_message = lambda _c, _u, m: inbox.append((m.topic, bytes(m.payload)))
    client.connect("127.0.0.1", port)
    client.loop_start()
    assert subscribed.wait(10), f"could not subscribe to {topic}"
    return client


def stop_all(roles: Sequence[RoleProcess], timeout: float = 30) -> list[int | None]:
    """SIGTERM to every role at once, then their exit codes."""
    for role in roles:
        role.terminate()
    return [role.wait(timeout) for role in roles]
