"""Migration 0007 builds the queue tables with their indexes and removes them on downgrade."""

from __future__ import annotations

from typing import Any

import psycopg

from app.core import migrations
from tests.support.databases import PgTestServer, _libpq
from tests.support.schema import drift

TABLES = ("jobs", "job_schedules")


def objects(url: str) -> dict[str, Any]:
    with psycopg.connect(_libpq(url)) as conn:
        tables = {
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE tablename = ANY(%s)", [list(TABLES)]
            )
        }
        indexes = {
            r[0]: r[1]
            for r in conn.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'jobs'"
            )
        }
    return {"tables": tables, "indexes": indexes}


def test_upgrade_downgrade_upgrade(pg: PgTestServer) -> None:
    with pg.empty() as url:
        migrations.upgrade(url, "0007")
        created = objects(url)
        assert created["tables"] == set(TABLES)
        assert (
            "WHERE ((status)::text = 'queued'::text)"
            in created["indexes"]["ix_jobs_queued_run_after"]
        )
        assert (
            "WHERE ((status)::text = 'running'::text)"
            in created["indexes"]["ix_jobs_running_locked_until"]
        )

        migrations.downgrade(url, "0006")
        assert objects(url) == {"tables": set(), "indexes": {}}

        migrations.upgrade(url, "0007")
        assert objects(url) == created


async def test_models_match_the_migrated_tables(database_url: str) -> None:
    assert await drift(database_url, TABLES) == []


def test_the_dequeue_query_uses_the_partial_index(pg: PgTestServer) -> None:
    with pg.clone() as url, psycopg.connect(_libpq(url)) as conn:
        conn.execute(
            "INSERT INTO jobs (id, kind, status, created_by_type, run_after) "
            "SELECT gen_random_uuid(), 'demo.kind', "
            "CASE WHEN g % 100 = 0 THEN 'queued' ELSE 'succeeded' END, 'system', "
            "now() - g * interval '1 second' FROM generate_series(1, 20000) g"
        )
        conn.execute("ANALYZE jobs")
        plan = "\n".join(
            r[0]
            for r in conn.execute(
                "EXPLAIN SELECT id FROM jobs WHERE status = 'queued' AND run_after <= now() "
                "AND kind IN ('demo.kind') ORDER BY run_after LIMIT 1 FOR UPDATE SKIP LOCKED"
            )
        )
    assert "ix_jobs_queued_run_after" in plan
