"""SQL for blocking keys, candidates and term counts."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Text, Uuid, any_, bindparam, delete, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.dedup.models import BaseSize, MatchKey, TermCount

# Each key's block, read up to one record past its cap (so a block too big to use costs at
# most cap + 1 index entries), and the matching columns of the members of the blocks within
# their cap: sizes, members and candidates in one round trip and one probe of each key.
# `{columns}` and `{join}` name the entity's own table (see `_candidate_sql`), never input.
_BLOCKS = """
    WITH found AS MATERIALIZED (
        SELECT k.key, k.cap, m.record_id
        FROM unnest(CAST(:keys AS text[]), CAST(:caps AS integer[])) AS k(key, cap)
        JOIN LATERAL (
            SELECT record_id FROM match_keys
            WHERE entity = :entity AND key = k.key AND blocking
            LIMIT k.cap + 1
        ) AS m ON true
    ), sized AS (
        SELECT key, cap, count(*) AS n FROM found GROUP BY key, cap
    )
    SELECT f.key, s.n, f.record_id, {columns}
    FROM found AS f
    JOIN sized AS s ON s.key = f.key
    {join}
"""


# What weighs a lookup, by kind of row: 't' a term's count, 'b' the base size, 'l' a level
# count. A correlated subquery per term is one index probe each, always: as a join or
# `= ANY`, the planner would rather read the whole entity slice of term_counts and compare
# every row with every term, a cost that grows with the base.
_COUNTS = text(
    """
    SELECT 't', k.term, NULL, (
        SELECT count FROM term_counts WHERE entity = :entity AND term = k.term
    )
    FROM unnest(CAST(:terms AS text[])) AS k(term)
    UNION ALL
    SELECT 'b', NULL, NULL, records FROM dedup_base_sizes WHERE entity = :entity
    UNION ALL
    SELECT 'l', field, level, pairs FROM match_level_counts WHERE entity = :entity
    """
)


@dataclass(frozen=True, slots=True)
class Counts:
    """What weighs a lookup's pairs: how many records carry each term, the base they were
    counted over (None before the first count) and the level counts of the last full scan."""

    terms: dict[str, int]
    base: int | None
    levels: dict[tuple[str, str], int]


# Array parameters rather than IN (...): one statement text, and one prepared statement,
# whatever the number of values.
def uuid_array(values: Iterable[uuid.UUID]) -> Any:
    return bindparam(None, list(values), type_=ARRAY(Uuid))


def text_array(values: Iterable[str]) -> Any:
    return bindparam(None, list(values), type_=ARRAY(Text))


class MatchKeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def replace(
        self, entity: str, record_id: uuid.UUID, keys: Iterable[str], terms: Iterable[str]
    ) -> None:
        await self.session.execute(delete(MatchKey).where(MatchKey.record_id == record_id))
        await self.add(entity, record_id, keys, terms)

    async def add(
        self, entity: str, record_id: uuid.UUID, keys: Iterable[str], terms: Iterable[str]
    ) -> None:
        """A new record's keys (`replace` without the delete: it has none yet)."""
        await self._insert(_rows(entity, record_id, keys, terms))

    async def replace_many(
        self, entity: str, keys_by_record: Mapping[uuid.UUID, tuple[Iterable[str], Iterable[str]]]
    ) -> None:
        """`replace` for many records at once: (blocking keys, terms) by record."""
        if not keys_by_record:
            return
        await self.session.execute(
            delete(MatchKey).where(MatchKey.record_id == any_(uuid_array(keys_by_record)))
        )
        await self._insert(
            [
                row
                for record_id, (keys, terms) in keys_by_record.items()
                for row in _rows(entity, record_id, keys, terms)
            ]
        )

    async def _insert(self, rows: list[dict[str, object]]) -> None:
        if rows:
            await self.session.execute(insert(MatchKey).on_conflict_do_nothing(), rows)

    async def matching_rows(
        self, model: Any, ids: Collection[uuid.UUID], fields: Sequence[str]
    ) -> Sequence[Any]:
        """Id, version and the matching fields of the active records among `ids`."""
        if not ids:
            return []
        table = model.__table__
        columns = [table.c.id, table.c.version, *(table.c[f] for f in fields)]
        stmt = select(*columns).where(
            table.c.id == any_(uuid_array(ids)), table.c.status == "active"
        )
        return (await self.session.execute(stmt)).all()

    async def remove(self, record_id: uuid.UUID) -> None:
        await self.session.execute(delete(MatchKey).where(MatchKey.record_id == record_id))

    async def blocks(
        self, entity: str, keys: Collection[str], cap: int | Mapping[str, int]
    ) -> tuple[dict[str, int], dict[str, list[uuid.UUID]]]:
        """Each key's block size (its cap + 1 means "bigger than the cap") and, for the
        blocks within the cap, their records; `cap` is one for all keys, or one per key."""
        found = await self.blocks_and_rows(entity, keys, cap, None, ())
        return found.sizes, found.members

    async def blocks_and_rows(
        self,
        entity: str,
        keys: Collection[str],
        cap: int | Mapping[str, int],
        model: Any,
        fields: Sequence[str],
    ) -> Candidates:
        """`blocks`, plus id, version and `fields` of the active members of the blocks
        within their cap, by id (`model`'s table; no rows when `model` is None)."""
        found = Candidates({}, {}, {})
        if not keys:
            return found
        keys = list(keys)
        caps = [cap[k] for k in keys] if isinstance(cap, Mapping) else [cap] * len(keys)
        result = await self.session.execute(
            _candidate_sql(model, tuple(fields)), {"entity": entity, "keys": keys, "caps": caps}
        )
        names = ("id", "version", *fields)
        for key, n, record_id, *columns in result.all():
            found.sizes[key] = n
            if columns[0] is None:  # a block over its cap, or a record no longer active
                continue
            found.members.setdefault(key, []).append(record_id)
            if model is not None:
                found.rows[record_id] = dict(zip(names, columns, strict=True))
        return found

    async def counts(self, entity: str, terms: Collection[str]) -> Counts:
        """Term counts, the base size and the level counts, in one round trip."""
        rows = (await self.session.execute(_COUNTS, {"entity": entity, "terms": list(terms)})).all()
        terms_found: dict[str, int] = {}
        base: int | None = None
        levels: dict[tuple[str, str], int] = {}
        for kind, name, level, count in rows:
            if count is None:  # a term no record carries
                continue
            if kind == "t":
                terms_found[name] = count
            elif kind == "b":
                base = count
            else:
                levels[name, level] = count
        return Counts(terms_found, base, levels)

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
        # A pass over every key of the entity (14M rows at a million contacts) outlasts the
        # request timeout; with room to hash them, it needs no sort spilled to disk.
        await self.session.execute(text("SET LOCAL statement_timeout = 0"))
        await self.session.execute(text("SET LOCAL work_mem = '256MB'"))
        await self.session.execute(delete(TermCount).where(TermCount.entity == entity))
        await self.session.execute(
            text(
                "INSERT INTO term_counts (entity, term, count) "
                "SELECT entity, key, count(*) FROM match_keys WHERE entity = :entity "
                "GROUP BY entity, key HAVING count(*) > 1"
            ),
            {"entity": entity},
        )
        # Fresh statistics, or the planner still sees the table as it was before the rewrite
        # and reads every term of the entity for each lookup instead of probing the key.
        await self.session.execute(text("ANALYZE term_counts"))
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


@lru_cache(maxsize=8)
def _candidate_sql(model: Any, fields: tuple[str, ...]) -> Any:
    """`_BLOCKS` reading `fields` from `model`'s table, or only the block members (None)."""
    if model is None:
        return text(_BLOCKS.format(columns="CASE WHEN s.n <= s.cap THEN f.record_id END",
                                   join=""))  # fmt: skip
    table = model.__table__
    columns = ", ".join(f"r.{table.c[c].name}" for c in ("id", "version", *fields))
    join = (
        f"LEFT JOIN {table.name} AS r "
        "ON r.id = f.record_id AND r.status = 'active' AND s.n <= s.cap"
    )
    return text(_BLOCKS.format(columns=columns, join=join))


@dataclass
class Candidates:
    """What a lookup reads with its blocks: their sizes, the members of those within their
    cap, and those members' matching columns by id."""

    sizes: dict[str, int]
    members: dict[str, list[uuid.UUID]]
    rows: dict[uuid.UUID, dict[str, Any]]


def _rows(
    entity: str, record_id: uuid.UUID, keys: Iterable[str], terms: Iterable[str]
) -> list[dict[str, object]]:
    blocking = set(keys)
    return [
        {"entity": entity, "key": k, "record_id": record_id, "blocking": k in blocking}
        for k in sorted(blocking | set(terms))
    ]
