"""Migration 0021 builds what the cleaning models describe, and downgrades cleanly."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.support.schema import drift

TABLES = ("cleaning_runs", "cleaning_changes")


async def test_models_match_the_migrated_tables(database_url: str) -> None:
    assert await drift(database_url, TABLES) == []


async def test_constraints_carry_their_conventional_names(session: AsyncSession) -> None:
    names = set(
        await session.scalars(
            text(
                "SELECT conname FROM pg_constraint WHERE conrelid IN "
                "('cleaning_runs'::regclass, 'cleaning_changes'::regclass)"
            )
        )
    )
    assert names == {
        "pk_cleaning_runs",
        "ck_cleaning_runs_status",
        "ck_cleaning_runs_entity",
        "pk_cleaning_changes",
        "fk_cleaning_changes_run_id_cleaning_runs",
        "ck_cleaning_changes_outcome",
    }
