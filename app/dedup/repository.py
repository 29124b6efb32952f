"""SQL for blocking keys, candidates and term counts."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.dedup.models import BaseSize, MatchKey, TermCount

# Counting stops here: a block bigger than the cap is dropped anyway, so reading it whole
# would only cost time.
_BLOCK_COUNT = text(
    """
    SELECT k.key, (
        SELECT count(*) FROM (
            SELECT 1 FROM match_keys m WHERE m.entity = :entity AND m.key = k.key LIMIT :cap
        ) AS capped
    ) AS n
    FROM unnest(CAST(:keys AS text[])) AS k(key)
    """
)


class MatchKeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def replace(
        self, entity: str, record_id: uuid.UUID, keys: Iterable[str], terms: Iterable[str]
    ) -> None:
        await self.session.execute(delete(MatchKey).where(MatchKey.record_id == record_id))
        blocking = set(keys)
        rows = [
            {"entity": entity, "key": k, "record_id": record_id, "blocking": k in blocking}
            for k in sorted(blocking | set(terms))
        ]
        if rows:
            await self.session.execute(insert(MatchKey).on_conflict_do_nothing(), rows)

    async def remove(self, record_id: uuid.UUID) -> None:
        await self.session.execute(delete(MatchKey).where(MatchKey.record_id == record_id))

    async def block_sizes(self, entity: str, keys: Collection[str], cap: int) -> dict[str, int]:
        if not keys:
            return {}
        result = await self.session.execute(
            _BLOCK_COUNT, {"entity": entity, "keys": list(keys), "cap": cap}
        )
        return {key: n for key, n in result.all()}

    async def candidates(
        self, entity: str, keys: Collection[str], *, exclude: uuid.UUID | None, limit: int
    ) -> list[uuid.UUID]:
        if not keys:
            return []
        stmt = (
            select(MatchKey.record_id)
            .where(MatchKey.entity == entity, MatchKey.key.in_(list(keys)))
            .distinct()
            .limit(limit + 1)
        )
        found = [rid for rid in await self.session.scalars(stmt) if rid != exclude]
        return found[:limit]

    async def term_counts(self, entity: str, terms: Collection[str]) -> dict[str, int]:
        if not terms:
            return {}
        stmt = select(TermCount.term, TermCount.count).where(
            TermCount.entity == entity, TermCount.term.in_(list(terms))
        )
        return {term: count for term, count in (await self.session.execute(stmt)).all()}

    async def estimated_rows(self, table: str) -> int:
        """The planner's row estimate: free, and close enough to size the prior."""
        estimate = await self.session.scalar(
            text("SELECT reltuples::bigint FROM pg_class WHERE relname = :table"), {"table": table}
        )
        return max(int(estimate or 0), 2)

    async def base_size(self, entity: str) -> int | None:
        return await self.session.scalar(select(BaseSize.records).where(BaseSize.entity == entity))

    async def refresh_terms(self, entity: str, table: str) -> int:
        """Recount every term and the base size from `match_keys` (one pass over the table).

        Values held by a single record are not stored: a missing term counts as one.
        """
        await self.session.execute(delete(TermCount).where(TermCount.entity == entity))
        await self.session.execute(
            text(
                "INSERT INTO term_counts (entity, term, count) "
                "SELECT entity, key, count(*) FROM match_keys WHERE entity = :entity "
                "GROUP BY entity, key HAVING count(*) > 1"
            ),
            {"entity": entity},
        )
        records = await self.session.scalar(
            text(f"SELECT count(*) FROM {table} WHERE status = 'active'")  # noqa: S608 (our table)
        )
        await self.session.execute(
            insert(BaseSize)
            .values(entity=entity, records=records, refreshed_at=func.now())
            .on_conflict_do_update(
                index_elements=[BaseSize.entity],
                set_={"records": records, "refreshed_at": func.now()},
            )
        )
        return int(records or 0)
