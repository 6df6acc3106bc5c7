"""A throwaway PostgreSQL cluster for tests and benchmarks.

    with PgCluster() as cluster:
        url = cluster.create_database()   # a fresh, empty database
        ...                               # postgresql+psycopg://postgres@127.0.0.1:PORT/db1

The cluster lives in a temporary folder, listens on a free loopback port
(and a Unix socket in that folder), trusts local connections, and is stopped
(`pg_ctl -m fast stop`) and removed when the `with` block ends, also on
failure, and at interpreter exit if someone forgot.

`initdb` refuses to run as root: as root every server command runs as the
`postgres` user (`runuser -u postgres --`) in a folder that user owns; as any
other user the commands run directly. The newest server found in
/usr/lib/postgresql/*/bin is used (or the folder in $CHARLEY_PG_BIN).
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

PG_ROOT = Path("/usr/lib/postgresql")
INSTALL_HINT = (
    "install them with `apt-get install -y postgresql` (as root; `make pg-server` does it)"
)
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class PgClusterError(RuntimeError):
    """The throwaway cluster could not be found, started or used."""


def find_bin_dir() -> Path:
    """The newest PostgreSQL server's bin folder, or PgClusterError saying how to install one."""
    override = os.environ.get("CHARLEY_PG_BIN")
    if override:
        folder = Path(override)
        if not (folder / "initdb").is_file():
            raise PgClusterError(f"CHARLEY_PG_BIN={override!r} has no initdb")
        return folder

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(p) for p in re.findall(r"\d+", path.parents[1].name))

    found = sorted(PG_ROOT.glob("*/bin/initdb"), key=version)
    if not found:
        raise PgClusterError(
            f"PostgreSQL server binaries not found (no {PG_ROOT}/*/bin/initdb); {INSTALL_HINT}"
        )
    return found[-1].parent


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgCluster:
    """One throwaway cluster: `start()`/`stop()` or a `with` block."""

    def __init__(
        self,
        *,
        settings: Mapping[str, str] | None = None,
        bin_dir: Path | None = None,
        prefix: str = "charley-pg-",
    ) -> None:
        self.bin_dir = bin_dir or find_bin_dir()
        self.settings = dict(settings or {})
        self.prefix = prefix
        self.root: Path | None = None
        self.port = 0
        self._running = False
        self._names = itertools.count(1)
        self._as_postgres = os.geteuid() == 0

    # -- life cycle ----------------------------------------------------------

    def __enter__(self) -> PgCluster:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def data(self) -> Path:
        if self.root is None:
            raise PgClusterError("the cluster is not started")
        return self.root / "data"

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the cluster's `postgres` database."""
        return self.url_for("postgres")

    def url_for(self, database: str) -> str:
        if not self.port:
            raise PgClusterError("the cluster is not started")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> str:
        """Create the cluster in a new temporary folder and start it; return its URL."""
        if self.root is not None:
            raise PgClusterError("the cluster is already started")
        if self._as_postgres:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                raise PgClusterError(
                    "running as root, but there is no `postgres` user to run the server as; "
                    + INSTALL_HINT
                ) from None
            if shutil.which("runuser") is None:
                raise PgClusterError("running as root, but `runuser` is missing (util-linux)")
        self.root = Path(tempfile.mkdtemp(prefix=self.prefix))
        atexit.register(self.stop)
        try:
            if self._as_postgres:
                os.chown(self.root, user.pw_uid, user.pw_gid)
            self._pg(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",  # a throwaway cluster: no need to flush the new files
            )
            self._start_server(new_port=True)
        except BaseException:
            self.stop()
            raise
        return self.url

    def _start_server(self, *, new_port: bool) -> None:
        assert self.root is not None
        attempts = 3 if new_port else 1
        for attempt in range(attempts):
            if new_port:
                self.port = free_port()
            options = [f"-p {self.port}", f"-k {self.root}", "-c listen_addresses=127.0.0.1"]
            options += [f"-c {k}={v}" for k, v in self.settings.items()]
            log = self.root / "log"
            result = self._pg(
                "pg_ctl",
                *("-D", str(self.data), "-l", str(log), "-o", " ".join(options)),
                *("-w", "-t", "60", "start"),
                check=False,
            )
            if result.returncode == 0:
                self._running = True
                return
            text = log.read_text(errors="replace") if log.exists() else ""
            if "already in use" in text and attempt + 1 < attempts:
                continue  # someone took the port between our check and the server's bind
            raise PgClusterError(
                f"PostgreSQL did not start (pg_ctl exit {result.returncode}):\n"
                f"{result.stdout}{result.stderr}\n--- server log ---\n{text[-3000:]}"
            )

    def stop(self) -> None:
        """Stop the server (fast: open sessions are ended) and remove the folder. Idempotent."""
        root, self.root = self.root, None
        if root is None:
            return
        atexit.unregister(self.stop)
        try:
            if self._running:
                self._running = False
                data = root / "data"
                result = self._pg(
                    "pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop", check=False
                )
                if result.returncode != 0:
                    self._kill_postmaster(data)
        finally:
            shutil.rmtree(root, ignore_errors=True)
            self.port = 0

    def crash(self) -> None:
        """Stop the server the way a crash would (`-m immediate`: no checkpoint, WAL replay
        on the next start). `start_again()` brings it back on the same port."""
        self._pg("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        self._running = False

    def start_again(self) -> None:
        """Start the stopped server again, same data and port (recovery runs if it crashed)."""
        if self._running:
            raise PgClusterError("the server is running")
        self._start_server(new_port=False)

    @staticmethod
    def _kill_postmaster(data: Path) -> None:
        try:
            pid = int((data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)

    # -- databases -----------------------------------------------------------

    def create_database(self, name: str | None = None) -> str:
        """Create an empty database (a fresh name unless given); return its URL."""
        import psycopg
        from psycopg import sql

        name = name or f"db{next(self._names)}"
        if not _NAME.match(name):
            raise PgClusterError(f"not a plain database name: {name!r}")
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url_for(name)

    # -- running the server's programs ----------------------------------------

    def _pg(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command: Sequence[str] = [str(self.bin_dir / program), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        result = subprocess.run(
            command,
            cwd=self.root or tempfile.gettempdir(),
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        if check and result.returncode != 0:
            raise PgClusterError(
                f"{program} failed (exit {result.returncode}): {result.stdout}{result.stderr}"
            )
        return result
