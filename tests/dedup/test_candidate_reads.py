"""A lookup's candidate read walks match_keys' primary key alone (index-only): `blocking`
rides in the key, so no table page is visited per key row (migration 0022)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.dedup.repository import _candidate_sql


async def _with_keys(session: AsyncSession) -> None:
    """50,000 key rows, ten for each of 5,000 keys, a third of them terms (rolled back with
    the test). Sequential and bitmap scans are off, as a table this small would otherwise be
    read whole: the plan then shows the index walk a large base gets."""
    await session.execute(
        text(
            "INSERT INTO match_keys (entity, key, record_id, blocking) "
            "SELECT 'contact', 'name:' || (i % 5000), gen_random_uuid(), i % 3 > 0 "
            "FROM generate_series(1, 50000) AS i"
        )
    )
    await session.execute(text("ANALYZE match_keys"))
    await session.execute(text("SET LOCAL enable_seqscan = off"))
    await session.execute(text("SET LOCAL enable_bitmapscan = off"))


async def test_the_primary_key_carries_blocking(session: AsyncSession) -> None:
    definition = await session.scalar(text("SELECT pg_get_indexdef('pk_match_keys'::regclass)"))
    assert definition.endswith("(entity, key, record_id) INCLUDE (blocking)"), definition


async def test_a_lookup_reads_its_blocks_index_only(session: AsyncSession) -> None:
    await _with_keys(session)
    sql = _candidate_sql(None, ())  # the block members; the records' own columns are joined
    plan = "\n".join(
        row[0]
        for row in await session.execute(
            text(f"EXPLAIN {sql.text}"),
            {"entity": "contact", "keys": ["name:1", "name:2"], "caps": [25, 25]},
        )
    )
    assert "Index Only Scan using pk_match_keys on match_keys" in plan, plan
