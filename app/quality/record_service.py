"""Record scores kept current: scored inside every write, rescored when pairs or time move.

A user's write sets the quality columns on the record before its flush, from the findings
the write's validation already produced, so the score costs no second validation and no
second UPDATE. Everything else (pairs stored or decided, merges, undo, erasure, the daily
job) rescores through `rescore`, one UPDATE per batch that leaves `version` and
`updated_at` alone. Anonymised records have their score cleared (NULL): nothing is left to
judge, and no report should count them. Merged records keep the score they had when they
were merged (the tombstone's values are frozen too, and undo brings them back).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from app.core.timeutil import utcnow
from app.quality import record_inputs
from app.quality.record_repository import RecordQualityRepository
from app.quality.score import (
    Employer,
    QualityScore,
    ScoreInput,
    open_pairs_of,
    score_record,
    with_open_pairs,
)
from app.quality.score_config import QualityConfig, build_config
from app.records.kinds import Kind
from app.records.models import Company, Contact
from app.records.repository import RecordRepository
from app.validation.findings import Finding
from app.validation.policy import ValidationPolicy

MODELS: Mapping[str, Any] = {"contact": Contact, "company": Company}

# ids per statement: asyncpg refuses more than 32,767 parameters, and one page of a full
# scan can pair more records than that
RESCORE_CHUNK = 5_000


@dataclass(frozen=True, slots=True)
class Setup:
    config: QualityConfig
    policy: ValidationPolicy
    on_write: bool


@lru_cache(maxsize=1)
def setup() -> Setup:
    """Read once per process, like the other settings the write path needs."""
    from app.core.settings import get_settings
    from app.main import validation_policy  # the same policy the API validates writes with

    settings = get_settings()
    config = build_config(
        completeness=settings.quality_completeness_weights,
        dimension_weights=settings.quality_dimension_weights,
        decay_per_year=settings.quality_decay_per_year,
    )
    return Setup(config, validation_policy(settings), settings.quality_score_on_write)


@dataclass(frozen=True, slots=True)
class RecordQuality:
    """A record's score as stored, or computed now for a record never scored."""

    entity: str
    record_id: uuid.UUID
    status: str
    score: int | None
    dimensions: Mapping[str, int]
    reasons: Sequence[Mapping[str, Any]]
    flags: Sequence[str]
    scored_at: datetime | None
    stored: bool


# --- inside a user's write -------------------------------------------------------------


async def score_write(
    session: AsyncSession,
    entity: str,
    record: Any,
    findings: Iterable[Finding],
    *,
    created: bool,
    changed: Collection[str] = (),
) -> None:
    """Set the record's quality columns before the write's flush.

    `findings` are those the write's validation produced for the whole stored record;
    secondary emails/phones an update did not touch are checked here (the write did not).
    """
    current = setup()
    if not current.on_write:
        return
    now = utcnow()
    found = list(findings)
    if entity == "contact" and not created:
        found += record_inputs.list_findings(record, current.policy, skip=changed)
    # Every change of pairs rescores the records involved, so the stored uniqueness is
    # current: reuse it rather than count the pairs again (a query on every update).
    pairs = 0 if created else open_pairs_of((record.quality_dimensions or {}).get("uniqueness"))
    # The write's changes are pending: reading must not flush them, or the record would get
    # two UPDATEs (and two versions) for one write.
    with session.no_autoflush:
        if pairs is None:  # never scored
            counts = await RecordQualityRepository(session).open_pair_counts(entity, [record.id])
            pairs = counts.get(record.id, 0)
        employer = await _employer(session, record) if entity == "contact" else None
    result = score_record(
        ScoreInput(
            entity,  # type: ignore[arg-type]
            record_inputs.values_of(entity, record),
            found,
            pairs,
            created_at=record.created_at or now,
            updated_at=now,
            last_interaction_at=record.last_interaction_at,
            employer=employer,
        ),
        now,
        current.config,
    )
    for name, value in record_inputs.columns(result, now).items():
        setattr(record, name, value)


async def _employer(session: AsyncSession, contact: Any) -> Employer | None:
    if contact.company_id is None:
        return None
    company = await session.get(Company, contact.company_id)  # in the session after a check
    return Employer(company.domain, company.country) if company is not None else None


# --- outside a user's write ------------------------------------------------------------


async def rescore(
    session: AsyncSession,
    entity: str,
    ids: Iterable[uuid.UUID],
    *,
    lock: bool = True,
) -> int:
    """Rescore these records now (active ones; anonymised ones cleared); returns how many
    were written. Rows are locked in id order so a concurrent write cannot be overwritten
    with a score of its former values."""
    ordered = sorted(set(ids))
    written = 0
    for start in range(0, len(ordered), RESCORE_CHUNK):
        chunk = ordered[start : start + RESCORE_CHUNK]
        records = await RecordQualityRepository(session).records(MODELS[entity], chunk, lock=lock)
        written += await rescore_loaded(session, entity, records)
    return written


async def rescore_around(session: AsyncSession, entity: str, ids: Iterable[uuid.UUID]) -> int:
    """Rescore `ids` and every record that shares a duplicate pair with one of them: what
    to call after pairs were closed, moved or restored (merge, undo, erasure)."""
    wanted = set(ids)
    partners = await RecordQualityRepository(session).partners(entity, wanted)
    return await rescore(session, entity, wanted | partners)


async def after_merge(
    session: AsyncSession,
    entity: str,
    survivor_id: uuid.UUID,
    merged_ids: Iterable[uuid.UUID],
    moved_contacts: Iterable[str] = (),
) -> int:
    """After a merge or its undo: the records, their pair partners, and the contacts that
    changed company (their email domain is now checked against another website)."""
    done = await rescore_around(session, entity, [survivor_id, *merged_ids])
    return done + await rescore(session, "contact", {uuid.UUID(str(c)) for c in moved_contacts})


async def rescore_pairs(
    session: AsyncSession, entity: str, pairs: Iterable[tuple[uuid.UUID, uuid.UUID]]
) -> int:
    """Rescore both sides of pairs just stored or decided (their uniqueness moved)."""
    return await rescore(session, entity, {rid for pair in pairs for rid in pair})


async def rescore_uniqueness(session: AsyncSession, entity: str, ids: Iterable[uuid.UUID]) -> int:
    """After a scan stored pairs: each record's uniqueness from its open pairs, the rest of
    its stored score kept (a scan page can pair tens of thousands of records; validating
    each again would be most of the scan). A record with no whole stored score is scored in
    full. Returns how many rows were written."""
    config = setup().config
    table = MODELS[entity].__table__
    repo = RecordQualityRepository(session)
    ordered = sorted(set(ids))
    written = 0
    for start in range(0, len(ordered), RESCORE_CHUNK):
        rows = await repo.stored_scores(table, ordered[start : start + RESCORE_CHUNK])
        active = [row for row in rows if row.status == "active"]
        counts = await repo.open_pair_counts(entity, [row.id for row in active])
        changed, whole = [], []
        for row in active:
            result = with_open_pairs(
                row.quality_dimensions,
                row.quality_reasons,
                row.quality_flags,
                counts.get(row.id, 0),
                config,
            )
            if result is None:
                whole.append(row.id)
                continue
            # scored_at stays: the other dimensions are still those of that time
            columns = record_inputs.columns(result, row.quality_scored_at)
            if any(columns[name] != getattr(row, name) for name in columns):
                changed.append({"id": row.id, **columns})
        await repo.store(table, changed)
        written += len(changed) + await rescore(session, entity, whole)
    return written


async def rescore_loaded(session: AsyncSession, entity: str, records: Sequence[Any]) -> int:
    now = utcnow()
    active = [r for r in records if r.status == "active"]
    results = await score_stored(session, entity, active, now)
    rows = [
        {"id": r.id, **record_inputs.columns(s, now)} for r, s in zip(active, results, strict=True)
    ]
    rows += [
        {"id": r.id, **record_inputs.cleared(now)} for r in records if r.status == "anonymised"
    ]
    table = MODELS[entity].__table__
    await RecordQualityRepository(session).store(table, rows)
    by_id = {r.id: r for r in records}
    for row in rows:  # the session's copies match the rows, without making them dirty
        for name, value in row.items():
            if name != "id":
                set_committed_value(by_id[row["id"]], name, value)
    return len(rows)


async def score_stored(
    session: AsyncSession, entity: str, records: Sequence[Any], now: datetime
) -> list[QualityScore]:
    """Scores of stored records, validating their stored values (a batch: one query for
    the pairs, one for the employers)."""
    if not records:
        return []
    current = setup()
    repo = RecordQualityRepository(session)
    pairs = await repo.open_pair_counts(entity, [r.id for r in records])
    employers: dict[uuid.UUID, Any] = {}
    if entity == "contact":
        employers = await repo.employers({r.company_id for r in records if r.company_id})
    out = []
    for record in records:
        values = record_inputs.values_of(entity, record)
        company = employers.get(record.company_id) if entity == "contact" else None
        data = ScoreInput(
            entity,  # type: ignore[arg-type]
            values,
            record_inputs.stored_findings(entity, values, current.policy, now),
            pairs.get(record.id, 0),
            created_at=record.created_at,
            updated_at=record.updated_at,
            last_interaction_at=record.last_interaction_at,
            employer=Employer(company.domain, company.country) if company is not None else None,
        )
        out.append(score_record(data, now, current.config))
    return out


async def quality_of(session: AsyncSession, kind: Kind, record_id: uuid.UUID) -> RecordQuality:
    """The stored score; a never-scored active record is scored now, and not stored."""
    record = await RecordRepository(session).get(kind.model, record_id)
    if record is None:
        raise kind.not_found()
    entity = kind.entity
    if record.quality_score is not None or record.status != "active":
        return RecordQuality(
            entity,
            record.id,
            record.status,
            record.quality_score,
            record.quality_dimensions or {},
            record.quality_reasons or [],
            record.quality_flags or [],
            record.quality_scored_at,
            stored=True,
        )
    now = utcnow()
    result = (await score_stored(session, entity, [record], now))[0]
    columns = record_inputs.columns(result, now)
    return RecordQuality(
        entity,
        record.id,
        record.status,
        result.score,
        columns["quality_dimensions"],
        columns["quality_reasons"],
        columns["quality_flags"],
        now,
        stored=False,
    )


async def worst_page(
    session: AsyncSession, entity: str, conditions: Sequence[Any], *, limit: int, after: Any
) -> Sequence[Any]:
    return await RecordQualityRepository(session).worst_page(
        MODELS[entity], conditions, limit=limit, after=after
    )
