"""Where the database is: the configured server, or an embedded one started on demand."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import structlog

from app.core.embedded_db import EmbeddedPostgres
from app.core.settings import Settings

log = structlog.get_logger("crm_dq.db")
EMBEDDED_DATABASE = "crmdq"


@contextmanager
def database_url_for(settings: Settings) -> Iterator[str]:
    """Yield a usable database URL; an embedded server started here is stopped on exit."""
    if settings.database_url:
        yield settings.database_url
        return
    server = EmbeddedPostgres(settings.embedded_db_dir)
    log.info("embedded_postgres.starting", data_dir=str(server.data_dir))
    server.start()
    try:
        yield server.ensure_database(EMBEDDED_DATABASE)
    finally:
        server.stop()
        log.info("embedded_postgres.stopped")
