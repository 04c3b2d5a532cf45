"""The shipped production Mosquitto (deploy/mosquitto: TLS, passwords, ACL, persistence) run
by a test on its own ports and in its own directory, so it can be restarted and killed.

Only paths and ports move; every other line of ``deploy/mosquitto/mosquitto.conf`` is used
as shipped, so a test on this broker tests the configuration a province installs.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path

from testkit.helpers import free_port, wait_for

DEPLOY = Path(__file__).resolve().parents[1] / "deploy" / "mosquitto"
USERS = {
    "ioc-ingest": "in-pass",
    "ioc-cameras": "cam-pass",
    "ioc-health": "hp",
    "LD-DL-01": "d1",
    "DL-AQ-01": "aq1",
    "hientruong.dalat": "f1",
    "hientruong.baoloc": "f2",
}


def mosquitto_version() -> tuple[int, ...]:
    """The installed broker's version, e.g. (2, 0, 11)."""
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    out = subprocess.run([binary, "-h"], capture_output=True, text=True, check=False).stdout
    words = out.split()
    number = words[words.index("version") + 1] if "version" in words else "0"
    return tuple(int(part) for part in number.split(".") if part.isdigit())


def tools_missing() -> str:
    """Which of mosquitto, mosquitto_passwd and openssl is not installed ('' when none)."""
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    for tool in (binary, shutil.which("mosquitto_passwd"), shutil.which("openssl")):
        if tool is None or not Path(tool).exists():
            return "mosquitto, mosquitto_passwd or openssl not installed"
    return ""


def make_certificates(folder: Path) -> Path:
    """A private CA and a server certificate for 127.0.0.1 (docs/operations.md, step 2)."""
    folder.mkdir()

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]  # quick
    run(
        "req",
        "-x509",
        *key,
        "-days",
        "2",
        "-subj",
        "/CN=Test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
    )
    run("req", *key, "-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr")
    (folder / "san.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    run(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "san.ext",
        "-out",
        "server.crt",
    )
    return folder / "ca.crt"


def production_config(workdir: Path, tls_port: int, local_port: int) -> str:
    """The shipped mosquitto.conf with only its paths and ports moved into ``workdir``."""
    text = (DEPLOY / "mosquitto.conf").read_text(encoding="utf-8")
    moves = {
        "password_file /etc/mosquitto/ioc/passwd": f"password_file {workdir}/passwd",
        "acl_file /etc/mosquitto/ioc/acl": f"acl_file {DEPLOY}/acl",
        "listener 8883\n": f"listener {tls_port} 127.0.0.1\n",
        "/etc/mosquitto/ioc/certs/": f"{workdir}/certs/",
        "listener 1883 127.0.0.1": f"listener {local_port} 127.0.0.1",
        "persistence_location /var/lib/mosquitto/": f"persistence_location {workdir}/",
    }
    for shipped, moved in moves.items():
        assert shipped in text, f"deploy/mosquitto/mosquitto.conf no longer has {shipped!r}"
        text = text.replace(shipped, moved)
    return text + "\n# tests run as root: keep root to read the test's files\nuser root\n"


def write_passwords(passwd: Path) -> None:
    for user, password in USERS.items():
        create = ["-c"] if not passwd.exists() else []
        subprocess.run(["mosquitto_passwd", *create, "-b", str(passwd), user, password], check=True)


class ProductionMosquitto:
    """deploy/mosquitto in ``workdir``: start, graceful stop (SIGTERM), restart and kill."""

    def __init__(self, workdir: Path) -> None:
        self.binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.ca = make_certificates(workdir / "certs")
        write_passwords(workdir / "passwd")
        self.tls_port, self.local_port = free_port(), free_port()
        self.conf = workdir / "mosquitto.conf"
        self.conf.write_text(
            production_config(workdir, self.tls_port, self.local_port), encoding="utf-8"
        )
        self.log = workdir / "mosquitto.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            command = [self.binary, "-c", str(self.conf)]
            self.process = subprocess.Popen(command, stdout=out, stderr=out)
        listening = wait_for(lambda: port_open(self.tls_port) and port_open(self.local_port), 10)
        assert listening, self.log_text()[-2000:]

    def stop(self) -> None:
        """Graceful stop (what ``systemctl restart`` sends): Mosquitto saves to disk first."""
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        """A crash or power cut: only what the last autosave wrote survives."""
        self._signal(signal.SIGKILL)

    def restart(self, down_for: float) -> None:
        self.stop()
        time.sleep(down_for)
        self.start()

    def _signal(self, sig: signal.Signals) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(15)
        self.process = None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def port_open(port: int) -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False
