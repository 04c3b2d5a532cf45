"""A throwaway PostgreSQL cluster of the test's own (initdb + pg_ctl on a free port), so a
test can stop and start the database under a worker without touching the server other
tests share. PostGIS comes from the Debian package the shared server uses too."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text

from testkit.helpers import free_port

BIN = Path(os.environ.get("IOC_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
# runuser lives in sbin, which a login shell's PATH may leave out
RUNUSER = shutil.which("runuser") or shutil.which("runuser", path="/usr/sbin:/sbin")


def cluster_missing() -> str:
    """Why no cluster can be made here ('' when one can)."""
    if not (BIN / "initdb").exists():
        return f"PostgreSQL server binaries not found in {BIN}"
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "no postgres system user to run a cluster as"
    if RUNUSER is None:
        return "runuser (util-linux) not found, in PATH or /usr/sbin, /sbin"
    return ""


class PostgresCluster:
    """initdb in a temporary directory; ``start``, ``stop`` (fast or immediate), ``url``."""

    def __init__(self) -> None:
        self.port = free_port()
        # Not under pytest's tmp dir: the postgres user cannot enter root's 0700 folders.
        self.dir = Path(tempfile.mkdtemp(prefix="ioc-pg-"))
        user = pwd.getpwnam("postgres")
        os.chown(self.dir, user.pw_uid, user.pw_gid)
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self._as_postgres(BIN / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust")

    def _as_postgres(self, *command: object) -> None:
        args = [str(RUNUSER), "-u", "postgres", "--", *map(str, command)]
        subprocess.run(args, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        """``immediate`` is a crash: connections cut, no shutdown checkpoint."""
        self._as_postgres(BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new database with PostGIS; its URL."""
        admin = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        engine = create_engine(self.url(name), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
        engine.dispose()
        return self.url(name)

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)
