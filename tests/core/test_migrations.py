"""The migrations run upgrade → downgrade → upgrade cleanly on an empty database."""

from __future__ import annotations

import psycopg

from app.core import migrations
from tests.support.databases import PgTestServer, _libpq
from tests.support.schema import drift


def tables(url: str) -> set[str]:
    with psycopg.connect(_libpq(url)) as conn:
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    return {r[0] for r in rows}


def version(url: str) -> str | None:
    with psycopg.connect(_libpq(url)) as conn:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def test_upgrade_downgrade_upgrade(pg: PgTestServer) -> None:
    with pg.empty() as url:
        migrations.upgrade(url)
        first = tables(url)
        assert version(url) == migrations.head_revision()

        migrations.downgrade(url, "base")
        assert tables(url) <= {"alembic_version"}
        assert version(url) is None

        migrations.upgrade(url)
        assert tables(url) == first
        assert version(url) == migrations.head_revision()


async def test_the_models_describe_the_migrated_schema_exactly(database_url: str) -> None:
    assert await drift(database_url) == []
