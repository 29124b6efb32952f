"""Migration 0016 builds exactly the tables the models describe, and its trigger."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import app.core.models_registry  # noqa: F401 (every model in one MetaData)
from app.core.db import Base
from tests.support.databases import TEMPLATE, PgTestServer

OURS = {
    "webhook_subscriptions",
    "webhook_deliveries",
    "webhook_delivery_attempts",
    "webhook_fanout_queue",
}


def test_models_and_migration_agree(pg: PgTestServer) -> None:
    url = make_url(pg.url(TEMPLATE)).set(drivername="postgresql+psycopg")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            trigger = conn.execute(
                text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'outbox'::regclass")
            ).scalars()
            triggers = set(trigger)
    finally:
        engine.dispose()
    ours = [d for d in _flatten(diffs) if _table_of(d) in OURS]
    assert ours == []
    assert "outbox_webhook_fanout" in triggers


def _flatten(diffs: list) -> list:
    flat = []
    for diff in diffs:
        flat.extend(diff if isinstance(diff, list) else [diff])
    return flat


def _table_of(diff: tuple) -> str | None:
    for part in diff[1:]:
        name = getattr(part, "name", None)
        table = getattr(part, "table", None)
        if table is not None and getattr(table, "name", None):
            return table.name
        if name in OURS:
            return name
        if isinstance(part, str) and part in OURS:
            return part
    return None
