"""Migration 0020 builds what the snapshot and goal models describe, and undoes it."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from app.core import migrations
from tests.support.databases import PgTestServer
from tests.support.schema import drift

TABLES = ("quality_snapshots", "quality_goals")


async def test_models_match_the_migrated_tables(database_url: str) -> None:
    assert await drift(database_url, TABLES) == []


async def test_check_constraints_carry_their_conventional_names(session: AsyncSession) -> None:
    names = set(
        await session.scalars(
            text(
                "SELECT conname FROM pg_constraint WHERE contype = 'c' AND conrelid IN "
                "('quality_snapshots'::regclass, 'quality_goals'::regclass)"
            )
        )
    )
    assert names == {"ck_quality_snapshots_trigger", "ck_quality_goals_direction"}


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text("SELECT tablename FROM pg_tables WHERE tablename LIKE 'quality_%'")
            )
            return {r[0] for r in rows}
    finally:
        await engine.dispose()


def test_downgrade_to_0019_drops_both_tables_and_upgrade_brings_them_back(
    pg: PgTestServer,
) -> None:
    # Synchronous: Alembic runs its own event loop.
    with pg.clone() as url:
        migrations.downgrade(url, "0019")
        assert not set(TABLES) & asyncio.run(_tables(url))
        migrations.upgrade(url, "0020")
        assert set(TABLES) <= asyncio.run(_tables(url))
        assert asyncio.run(drift(url, TABLES)) == []
