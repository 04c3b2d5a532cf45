"""A Mosquitto process of the test's own, on a free port, for tests that restart the broker
or need the production queue settings (Mosquitto's default queue of 1,000 is too small)."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

from testkit.helpers import free_port, wait_for

CONF = """\
listener {port} 127.0.0.1
allow_anonymous {anonymous}
persistence true
persistence_location {data}/
autosave_interval 1
max_queued_messages 1000000
max_queued_bytes 0
message_size_limit 1048576
log_dest file {data}/mosquitto.log
# Tests run as root: keep root, so Mosquitto can write its data into the test's tmp dir.
user root
{extra}
"""


class MosquittoProcess:
    """Start, stop, restart and kill a real Mosquitto with its own config and data."""

    def __init__(self, workdir: Path, extra: str = "", anonymous: bool = True) -> None:
        self.binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        self.port = free_port()
        self.data = workdir
        self.conf = workdir / "mosquitto.conf"
        self.conf.write_text(
            CONF.format(
                port=self.port,
                data=workdir,
                extra=extra,
                anonymous="true" if anonymous else "false",
            ),
            encoding="utf-8",
        )
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def available(self) -> bool:
        return Path(self.binary).exists()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "-c", str(self.conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not wait_for(self._listening, timeout=10):
            raise RuntimeError(f"mosquitto did not start: {self.log()[-500:]}")

    def _listening(self) -> bool:
        import socket

        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        """Graceful stop: Mosquitto saves its sessions and queues to disk."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    def restart(self, down_for: float = 0.5) -> None:
        self.stop()
        time.sleep(down_for)
        self.start()

    def log(self) -> str:
        path = self.data / "mosquitto.log"
        return path.read_text(errors="replace") if path.exists() else ""
