"""An embedded PostgreSQL (pgserver) for machines that have nothing but Python."""

from __future__ import annotations

import os
import re
import subprocess
import warnings
from pathlib import Path
from typing import Any

from app.core.database_url import with_database

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class EmbeddedPostgres:
    """Starts a real PostgreSQL whose data lives in `data_dir`; `stop()` shuts it down."""

    def __init__(self, data_dir: str | Path) -> None:
        self.data_dir = Path(data_dir).resolve()
        self._server: Any = None

    def start(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR
            import pgserver

            self.data_dir.mkdir(parents=True, exist_ok=True)
            self._server = pgserver.get_server(self.data_dir, cleanup_mode="stop")

    @property
    def admin_url(self) -> str:
        return self.url("postgres")

    def url(self, database: str) -> str:
        if self._server is None:
            raise RuntimeError("embedded PostgreSQL is not started")
        return with_database(self._server.get_uri(), database)

    def ensure_database(self, name: str) -> str:
        """Create `name` if missing; returns its asyncpg URL."""
        if not _IDENTIFIER.fullmatch(name):
            raise ValueError(f"not a plain database name: {name!r}")
        query = f"SELECT 1 FROM pg_database WHERE datname = '{name}';"  # noqa: S608 (checked above)
        exists = self._server.psql(query)
        if "(1 row)" not in exists:
            self._server.psql(f'CREATE DATABASE "{name}";')
        return self.url(name)

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None


class DisposableCluster:
    """A private PostgreSQL on 127.0.0.1:`port`, stopped and started at will.

    For fault tests and load runs that restart the database under a running service: the
    test suite's server is shared by every test, so those runs need a cluster of their own.
    """

    def __init__(self, data_dir: str | Path, port: int) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.port = port
        self._user: str | None = None

    def init(self) -> None:
        import pgserver.utils as pg_utils

        self.data_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root: pgserver's own user
            self._user = "pgserver"
            entry = pg_utils.ensure_user_exists(self._user)
            pg_utils.ensure_prefix_permissions(self.data_dir)
            os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)
        self._run(
            "initdb", "-D", str(self.data_dir), "--auth=trust", "-U", "postgres", "-E", "utf8"
        )

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -c unix_socket_directories=''"
        log = str(self.data_dir / "server.log")
        self._run(
            "pg_ctl", "-D", str(self.data_dir), "-w", "-t", "30", "-o", options, "-l", log, "start"
        )

    def stop(self, mode: str = "fast") -> None:
        """`fast` ends every session with "terminating connection due to administrator
        command", as an orchestrator's restart does; `immediate` is a crash."""
        self._run("pg_ctl", "-D", str(self.data_dir), "-w", "-t", "30", "-m", mode, "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        if not _IDENTIFIER.fullmatch(name):
            raise ValueError(f"not a plain database name: {name!r}")
        self._run(
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-q",
            "-c",
            f'CREATE DATABASE "{name}"',
        )
        return self.url(name)

    def _run(self, program: str, *args: str) -> None:
        from pgserver._commands import POSTGRES_BIN_PATH

        subprocess.run(  # noqa: S603 (our own binaries, arguments built here)
            [str(POSTGRES_BIN_PATH / program), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            user=self._user,
            timeout=60,
        )
