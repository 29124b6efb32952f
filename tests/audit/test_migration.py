"""Migration 0002 builds the append-only table and removes every trace of it on downgrade."""

from __future__ import annotations

from typing import Any

import psycopg

from app.core import migrations
from tests.support.databases import PgTestServer, _libpq
from tests.support.schema import drift

OBJECTS = """
SELECT
  to_regclass('public.audit_events') IS NOT NULL,
  to_regprocedure('audit_events_reject_change()') IS NOT NULL,
  (SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_events_append_only'),
  (SELECT count(*) FROM pg_indexes WHERE tablename = 'audit_events')
"""


def audit_objects(url: str) -> tuple[Any, ...]:
    with psycopg.connect(_libpq(url)) as conn:
        row = conn.execute(OBJECTS).fetchone()
    assert row is not None
    return tuple(row)


def test_upgrade_downgrade_upgrade(pg: PgTestServer) -> None:
    with pg.empty() as url:
        migrations.upgrade(url, "0002")
        created = audit_objects(url)
        # table, function, one trigger, pk + 3 unique + 6 filter indexes
        assert created == (True, True, 1, 10)

        migrations.downgrade(url, "0001")
        assert audit_objects(url) == (False, False, 0, 0)

        migrations.upgrade(url, "0002")
        assert audit_objects(url) == created


async def test_model_matches_the_migrated_table(database_url: str) -> None:
    assert await drift(database_url, ("audit_events",)) == []
