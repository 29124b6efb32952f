"""An embedded PostgreSQL (pgserver) for machines that have nothing but Python."""

from __future__ import annotations

import re
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
