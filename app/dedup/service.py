"""Duplicate detection over the stored base: keep keys current, look a record up."""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.dedup import aliases, engine, level_counts
from app.dedup.engine import estimate
from app.dedup.pairs_repository import PairRepository
from app.dedup.repository import MatchKeyRepository
from app.records.models import Company, Contact
from app.validation.company import COMPANY_FIELDS
from app.validation.contact import CONTACT_FIELDS

# The fields the matching engine reads: the validated ones (extra ones are ignored).
RECORD_FIELDS: Mapping[str, tuple[str, ...]] = {
    "contact": CONTACT_FIELDS,
    "company": COMPANY_FIELDS,
}
MODELS: Mapping[str, Any] = {"contact": Contact, "company": Company}
TABLES = {"contact": "contacts", "company": "companies"}
# Below this, counts say nothing about how common a value is ("2 of 3 records are Martin"),
# so a small base is scored as if it had this many records.
MIN_BASE_SIZE = 1_000


@dataclass(frozen=True, slots=True)
class EntityEngine:
    view: Any
    keys: Any
    terms: Any
    score: Any
    model: engine.MatchModel
    # (left, right, model, frequencies) → True when the pair can only be `distinct`
    plainly_distinct: Any

    def scored(
        self,
        left: Any,
        right: Any,
        model: engine.MatchModel,
        frequencies: engine.TermFrequencies | None,
    ) -> engine.MatchResult | None:
        """The pair's result, or None when it can only be `distinct` (then not weighed)."""
        if self.plainly_distinct(left, right, model, frequencies):
            return None
        return self.score(left, right, model, frequencies)

    def unless_distinct(
        self,
        left: Any,
        right: Any,
        model: engine.MatchModel,
        frequencies: engine.TermFrequencies | None,
    ) -> engine.MatchResult | None:
        """The pair's result, or None when it is `distinct`: what a scan stores and a
        lookup answers."""
        result = self.scored(left, right, model, frequencies)
        return None if result is None or result.verdict is engine.Verdict.DISTINCT else result


ENGINES = {
    "contact": EntityEngine(
        engine.contact_view,
        engine.contact_keys,
        engine.contact_terms,
        engine.score_contacts,
        engine.CONTACT_MODEL,
        engine.screen.never_plain,
    ),
    "company": EntityEngine(
        engine.company_view,
        engine.company_keys,
        engine.company_terms,
        engine.score_companies,
        engine.COMPANY_MODEL,
        engine.screen.plainly_distinct,
    ),
}


@lru_cache(maxsize=16)
def estimated_model(entity: str, levels: level_counts.Levels) -> engine.MatchModel:
    """The judgement with the m of the fields a base may set read from `levels`."""
    judged = ENGINES[entity].model
    if not levels:
        return judged
    return estimate.with_estimates(judged, {(field, level): n for field, level, n in levels})


def model_for(entity: str, base_size: int, levels: level_counts.Levels) -> engine.MatchModel:
    """The model a base of `base_size` records is weighed with: the judgement, with the m of
    the fields a base may set read from the counts of its last full scan. One model per set
    of counts, whatever the base size: the scoring loop lays a model's fields out once
    (`engine.score`), and a new layout per lookup would cost time and memory."""
    return engine.for_base_size(estimated_model(entity, levels), max(base_size, MIN_BASE_SIZE))


def fields_of(entity: str, record: Any) -> dict[str, object]:
    return {f: getattr(record, f) for f in RECORD_FIELDS[entity]}


def index_strings(
    entity: str, fields: Mapping[str, object]
) -> tuple[frozenset[str], frozenset[str]]:
    """Blocking keys and term-frequency terms of a record (pure)."""
    spec = ENGINES[entity]
    view = spec.view(fields)
    return spec.keys(view), spec.terms(view)


async def index_record(
    session: AsyncSession, entity: str, record: Any, *, new: bool = False
) -> None:
    """Rewrite the record's keys in the caller's transaction; inactive records have none.
    `new`: the record was just created, so it has no keys to delete first."""
    repo = MatchKeyRepository(session)
    if record.status != "active":
        await repo.remove(record.id)
        return
    fields = await canonical_fields(session, entity, [fields_of(entity, record)])
    write = repo.add if new else repo.replace
    await write(entity, record.id, *index_strings(entity, fields[0]))


async def canonical_fields(
    session: AsyncSession, entity: str, many: list[Mapping[str, object]]
) -> list[Mapping[str, object]]:
    """Companies are matched under their canonical name (see app.dedup.aliases)."""
    if entity != "company":
        return many
    canon = await aliases.canonical_names(session, (f.get("name") for f in many))
    return [aliases.substitute(f, canon) for f in many] if canon else many


async def reindex_name(session: AsyncSession, alias_key: str) -> int:
    """Re-index the companies stored under a name that just became an alias."""
    ids = await MatchKeyRepository(session).candidates(
        "company", [engine.terms.NAME + alias_key], exclude=None, limit=10_000
    )
    records = (
        (await session.scalars(select(Company).where(Company.id.in_(ids)))).all() if ids else []
    )
    for record in records:
        await index_record(session, "company", record)
    return len(records)


async def forget_record(session: AsyncSession, record_id: uuid.UUID) -> None:
    await MatchKeyRepository(session).remove(record_id)


async def close_pairs_of_deleted(
    session: AsyncSession, entity: str, record_id: uuid.UUID
) -> set[uuid.UUID]:
    """A deleted record's open pairs leave the review queue (status `deleted`): nobody can
    merge or review a record that is gone. Returns the partners, to rescore."""
    return await PairRepository(session).close_for(entity, [record_id], "deleted")


class ViewCache:
    """Normalised views of stored records by (entity, id, version).

    Building a view (phone parsing, name folding) costs several times more than scoring a
    pair, and the same records come back as candidates lookup after lookup. A new version
    of a record is a new key, so an entry is never stale; old versions age out.
    """

    def __init__(self, max_entries: int = 50_000) -> None:
        self._views: OrderedDict[tuple[str, uuid.UUID, int, object], Any] = OrderedDict()
        self._max = max_entries

    def view(self, entity: str, record: Any, fields: Mapping[str, object] | None = None) -> Any:
        """`fields` when they differ from the record's (a company read under its canonical
        name): the name is then part of the key."""
        fields = fields if fields is not None else fields_of(entity, record)
        return self.view_of(entity, record.id, record.version, fields)

    def view_of(
        self, entity: str, record_id: uuid.UUID, version: int, fields: Mapping[str, object]
    ) -> Any:
        key = (entity, record_id, version, fields.get("name"))
        found = self._views.get(key)
        if found is not None:
            self._views.move_to_end(key)
            return found
        made = ENGINES[entity].view(fields)
        self._views[key] = made
        if len(self._views) > self._max:
            self._views.popitem(last=False)
        return made


_VIEWS = ViewCache()


@dataclass(frozen=True, slots=True)
class Lookup:
    matches: list[tuple[uuid.UUID, engine.MatchResult]]
    candidates: int
    keys_used: int
    keys_capped: int


async def lookup(
    session: AsyncSession,
    entity: str,
    fields: Mapping[str, object],
    *,
    limit: int,
    exclude: uuid.UUID | None = None,
    include_distinct: bool = False,
) -> Lookup:
    """Score the stored records that share a bounded blocking key with `fields`."""
    spec = ENGINES[entity]
    repo = MatchKeyRepository(session)
    (fields,) = await canonical_fields(session, entity, [fields])
    view = spec.view(fields)
    keys = spec.keys(view)
    # Counting one past the cap keeps "too big" visible once the record itself is set aside.
    caps = engine.keys.BLOCK_CAPS[entity]
    extra = exclude is not None
    # The candidates' columns come with their blocks: one round trip, not two. (Their term
    # counts do not: read from their stored keys in the same statement, they cost more than
    # the round trip saves.)
    found = await repo.blocks_and_rows(
        entity,
        keys,
        {k: engine.keys.block_cap(k, caps) + extra for k in keys},
        MODELS[entity],
        RECORD_FIELDS[entity],
    )
    sizes, members = found.sizes, found.members
    if exclude is not None:  # the record itself sits in each of its blocks
        members = {k: [r for r in ids if r != exclude] for k, ids in members.items()}
        sizes |= {k: len(ids) for k, ids in members.items()}
    chosen = engine.bounded_keys(keys, sizes, caps=caps)
    records = [found.rows[r] for r in dict.fromkeys(r for k in chosen for r in members.get(k, ()))]
    candidate_fields = await canonical_fields(
        session, entity, [{f: r[f] for f in RECORD_FIELDS[entity]} for r in records]
    )
    views = [
        (r["id"], _VIEWS.view_of(entity, r["id"], r["version"], f))
        for r, f in zip(records, candidate_fields, strict=True)
    ]
    terms = set(spec.terms(view))
    for _, other in views:
        terms |= spec.terms(other)
    counts = await repo.counts(entity, terms)
    if counts.base:
        # Over the same base size as the model's prior, as a scan does: in a base of four
        # records, "IBM" on three of them is not a name three firms in four carry.
        frequencies = engine.TermFrequencies(counts.terms, max(counts.base, MIN_BASE_SIZE))
        base = counts.base
    else:  # counts never refreshed: the model's default frequencies apply
        frequencies, base = None, await repo.estimated_rows(TABLES[entity])
    model = model_for(entity, base, level_counts.levels_of(counts.levels))
    if include_distinct:
        kept = [(rid, spec.score(view, other, model, frequencies)) for rid, other in views]
    else:
        kept = [
            (rid, result)
            for rid, other in views
            if (result := spec.unless_distinct(view, other, model, frequencies)) is not None
        ]
    kept.sort(key=lambda pair: pair[1].probability, reverse=True)
    capped = sum(1 for k in keys if k not in chosen and sizes.get(k, 0) > 0)
    return Lookup(kept[:limit], len(views), len(chosen), capped)


async def refresh_terms(session: AsyncSession, entity: str) -> int:
    return await MatchKeyRepository(session).refresh_terms(entity, TABLES[entity])
