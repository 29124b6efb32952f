"""Migration 0018 builds what the register's and the exports' models describe."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.support.schema import drift

TABLES = ("dsr_requests", "gdpr_exports")


async def test_models_match_the_migrated_tables(database_url: str) -> None:
    assert await drift(database_url, TABLES) == []


async def test_check_constraints_carry_their_conventional_names(session: AsyncSession) -> None:
    names = set(
        await session.scalars(
            text(
                "SELECT conname FROM pg_constraint WHERE contype = 'c' "
                "AND conrelid IN ('dsr_requests'::regclass, 'gdpr_exports'::regclass)"
            )
        )
    )
    assert names == {
        "ck_dsr_requests_kind",
        "ck_dsr_requests_status",
        "ck_dsr_requests_channel",
        "ck_dsr_requests_extended_months",
        "ck_gdpr_exports_status",
        "ck_gdpr_exports_bundle_only_when_ready",
    }


async def test_the_retention_index_covers_only_what_a_sweep_may_touch(
    session: AsyncSession,
) -> None:
    definition = await session.scalar(
        text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_contacts_retention_anchor'")
    )
    assert definition is not None
    assert "GREATEST(COALESCE(collected_at, created_at), last_interaction_at)" in definition
    assert "WHERE (((status)::text = 'active'::text) AND (NOT legal_hold))" in definition
