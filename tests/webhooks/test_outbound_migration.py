"""Migration 0016 builds exactly the tables the models describe, and its trigger."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.support.schema import drift

OURS = (
    "webhook_subscriptions",
    "webhook_deliveries",
    "webhook_delivery_attempts",
    "webhook_fanout_queue",
)


async def test_models_and_migration_agree(database_url: str, session: AsyncSession) -> None:
    assert await drift(database_url, OURS) == []
    triggers = await session.scalars(
        text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'outbox'::regclass")
    )
    assert "outbox_webhook_fanout" in set(triggers)
