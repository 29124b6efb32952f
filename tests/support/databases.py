"""Test databases on a real PostgreSQL: a migrated template, cloned for each use."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from app.core import migrations
from app.core.database_url import with_database
from app.core.embedded_db import EmbeddedPostgres

# Suffixed with the process id: two test runs may share one server (two terminals, an
# editor's test runner) and must never drop each other's databases.
_RUN = str(os.getpid())
TEMPLATE = f"crmdq_template_{_RUN}"
ROLLBACK_DB = f"crmdq_test_{_RUN}"
_OURS = re.compile(r"^crmdq_(?:template|test|clone_[0-9a-f]+|empty_[0-9a-f]+)_(\d+)$")


def _libpq(url: str) -> str:
    """asyncpg URL → libpq conninfo for psycopg (administrative statements only)."""
    parsed = make_url(url)
    params = {
        "user": parsed.username,
        "password": parsed.password,
        "host": parsed.query.get("host") or parsed.host,
        "port": parsed.port,
        "dbname": parsed.database,
    }
    return " ".join(f"{k}='{v}'" for k, v in params.items() if v)


class PgTestServer:
    """Owns the databases the suite creates; `admin_url` is any database on that server."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url

    def url(self, database: str) -> str:
        return with_database(self.admin_url, database)

    def execute(self, statement: sql.Composable) -> None:
        with psycopg.connect(_libpq(self.url("postgres")), autocommit=True) as conn:
            conn.execute(statement)

    def recreate(self, name: str, template: str | None = None) -> str:
        self.drop(name)
        create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            create = sql.SQL("{} TEMPLATE {}").format(create, sql.Identifier(template))
        self.execute(create)
        return self.url(name)

    def drop(self, name: str) -> None:
        self.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )

    def prepare_template(self) -> None:
        self.drop_abandoned()
        migrations.upgrade(self.recreate(TEMPLATE))

    def drop_abandoned(self) -> None:
        """Databases left by test runs that were killed (their process is gone)."""
        with psycopg.connect(_libpq(self.url("postgres")), autocommit=True) as conn:
            names = [r[0] for r in conn.execute("SELECT datname FROM pg_database").fetchall()]
        for name in names:
            match = _OURS.match(name)
            if match and not _alive(int(match.group(1))):
                self.drop(name)

    @contextmanager
    def clone(self) -> Iterator[str]:
        name = f"crmdq_clone_{uuid.uuid4().hex[:12]}_{_RUN}"
        url = self.recreate(name, template=TEMPLATE)
        try:
            yield url
        finally:
            self.drop(name)

    @contextmanager
    def empty(self) -> Iterator[str]:
        name = f"crmdq_empty_{uuid.uuid4().hex[:12]}_{_RUN}"
        url = self.recreate(name)
        try:
            yield url
        finally:
            self.drop(name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def test_server() -> Iterator[PgTestServer]:
    """TEST_DATABASE_URL's server (needs CREATEDB), else an embedded PostgreSQL."""
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        yield PgTestServer(with_database(configured, make_url(configured).database or "postgres"))
        return
    embedded = EmbeddedPostgres(os.environ.get("CRMDQ_TEST_PGDATA", ".pgdata-test"))
    embedded.start()
    try:
        yield PgTestServer(embedded.admin_url)
    finally:
        embedded.stop()
