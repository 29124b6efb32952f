"""Batch scans and the review queue of scored pairs."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from app.auth.deps import requires
from app.auth.errors import auth_problem_responses
from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.core.db import DbSession
from app.core.errors import problem_responses
from app.core.pagination import (
    InvalidCursor,
    Page,
    Pagination,
    decode_cursor,
    encode_cursor,
    keyset_position,
)
from app.core.problem_handlers import language_of
from app.dedup import aliases, reports, review
from app.dedup import service as dedup
from app.dedup.pairs_repository import ClusterRepository
from app.dedup.review_schemas import (
    AliasCreate,
    AliasRead,
    ClusterRead,
    Decision,
    OriginRow,
    PairRead,
    PrecisionRow,
    ReindexRequest,
    ScanRequest,
    ScanStarted,
)

router = APIRouter(tags=["duplicates"], responses=auth_problem_responses())
# What a steward decides on: `related` pairs are links, not duplicates, and a company scan
# stores many (every establishment of a firm)
_TO_REVIEW: list[Literal["duplicate", "possible", "related"]] = ["duplicate", "possible"]
CanRead = Annotated[Principal, requires(Scope.DUPLICATES_READ)]
CanReview = Annotated[Principal, requires(Scope.DUPLICATES_REVIEW)]
Probability = Annotated[float | None, Query(ge=0, le=1)]


@router.post("/v1/duplicates/scans", status_code=202, response_model=ScanStarted)
async def start_scan(body: ScanRequest, principal: CanReview, session: DbSession) -> ScanStarted:
    """Scan all contacts or companies (or those changed since a time) in the background
    worker; progress and the per-key report are at `/v1/jobs/{job_id}`. Scored pairs land in
    the review queue; pairs already decided are left as they are."""
    job = await review.start_scan(session, principal, body.entity, body.since)
    return ScanStarted(job_id=job.id, status=job.status)


@router.post("/v1/duplicates/reindex", status_code=202, response_model=ScanStarted)
async def start_reindex(
    body: ReindexRequest, principal: CanReview, session: DbSession
) -> ScanStarted:
    """Rewrite the matching keys of every active contact or company in the background
    worker (after an upgrade whose release notes say matching keys changed); progress at
    `/v1/jobs/{job_id}`. Writes keep their own keys current meanwhile."""
    job = await review.start_reindex(session, principal, body.entity)
    return ScanStarted(job_id=job.id, status=job.status)


@router.get(
    "/v1/duplicate-pairs",
    response_model=Page[PairRead],
    responses=problem_responses(InvalidCursor),
)
async def list_duplicate_pairs(
    principal: CanRead,
    session: DbSession,
    page: Pagination,
    request: Request,
    entity: Literal["contact", "company"] | None = None,
    status: Literal["open", "confirmed", "dismissed", "merged", "erased", "deleted"]
    | None = "open",
    verdict: Annotated[
        list[Literal["duplicate", "possible", "related"]],
        Query(
            description="Repeat to ask for several. By default `duplicate` and `possible`: "
            "`related` pairs (another establishment, a subsidiary) only when asked"
        ),
    ] = _TO_REVIEW,
    min_probability: Probability = None,
    max_probability: Probability = None,
) -> Page[PairRead]:
    """The review queue, most probable first."""
    pairs = await review.list_pairs(
        session,
        entity=entity,
        status=status,
        verdicts=tuple(verdict),
        min_probability=min_probability,
        max_probability=max_probability,
        limit=page.limit + 1,
        after=keyset_position(page.cursor, float),
    )
    lang = language_of(request)
    items = [PairRead.of(p, lang) for p in pairs[: page.limit]]
    more = len(pairs) > page.limit
    cursor = encode_cursor(repr(items[-1].probability), items[-1].id) if more and items else None
    return Page[PairRead](items=items, next_cursor=cursor)


@router.post(
    "/v1/duplicate-pairs/{pair_id}/decision",
    response_model=PairRead,
    responses=problem_responses(review.PairNotFound, review.PairAlreadyDecided),
)
async def decide_pair(
    pair_id: uuid.UUID, body: Decision, principal: CanReview, session: DbSession, request: Request
) -> PairRead:
    """Confirm (same real-world entity) or dismiss (different) a pair, with a reason. A
    dismissed pair is never suggested again; decisions are audited."""
    pair = await review.decide(session, principal, pair_id, body.decision, body.reason)
    return PairRead.of(pair, language_of(request))


Entity = Literal["contact", "company"]


@router.get("/v1/duplicate-pairs/precision", response_model=list[PrecisionRow])
async def decision_precision(
    principal: CanRead, session: DbSession, entity: Entity = "contact"
) -> list[PrecisionRow]:
    """Precision of each verdict and probability band, measured on the stewards' decisions:
    the evidence for moving the `duplicate` and `possible` thresholds."""
    return [PrecisionRow(**row) for row in await reports.precision(session, entity)]


@router.get("/v1/duplicates/origins", response_model=list[OriginRow])
async def duplicate_origins(
    principal: CanRead, session: DbSession, entity: Entity = "contact"
) -> list[OriginRow]:
    """Which source systems and which users or service accounts create the duplicates (the
    later record of every open or confirmed pair), most first."""
    return [OriginRow(**row) for row in await reports.origins(session, entity)]


@router.get(
    "/v1/duplicates/clusters",
    response_model=Page[ClusterRead],
    responses=problem_responses(InvalidCursor),
)
async def list_clusters(
    principal: CanRead,
    session: DbSession,
    page: Pagination,
    entity: Entity = "contact",
    min_size: Annotated[int, Query(ge=2, le=1000)] = 2,
) -> Page[ClusterRead]:
    """Groups of records the last full scan found to be one real-world entity (linked by
    `duplicate` verdicts, cut so that every member links to at least half of its cluster),
    biggest first."""
    after = keyset_position(page.cursor, int)
    found = await ClusterRepository(session).page(
        entity, min_size=min_size, limit=page.limit + 1, after=after
    )
    items = [ClusterRead(id=cid, size=size, record_ids=ids) for cid, size, ids in found]
    more = len(items) > page.limit
    items = items[: page.limit]
    cursor = encode_cursor(items[-1].size, items[-1].id) if more and items else None
    return Page[ClusterRead](items=items, next_cursor=cursor)


def _alias_read(entry) -> AliasRead:  # type: ignore[no-untyped-def]
    return AliasRead(
        id=entry.id,
        alias=entry.alias,
        canonical=entry.canonical,
        kind=entry.kind,
        source=entry.source,
        created_at=entry.created_at,
    )


@router.post(
    "/v1/duplicates/aliases",
    status_code=201,
    response_model=AliasRead,
    responses=problem_responses(aliases.AliasTaken, aliases.AliasUnusable),
)
async def create_alias(body: AliasCreate, principal: CanReview, session: DbSession) -> AliasRead:
    """Teach the matcher another name of a company (acronym, former name, trade name):
    companies stored or looked up under the alias are then read under the canonical name.
    Renames add former names by themselves."""
    entry = await aliases.add(session, principal, body.alias, body.canonical, body.kind)
    await dedup.reindex_name(session, entry.alias_key)
    await session.refresh(entry)
    return _alias_read(entry)


@router.get("/v1/duplicates/aliases", response_model=Page[AliasRead])
async def list_aliases(principal: CanRead, session: DbSession, page: Pagination) -> Page[AliasRead]:
    """The alias dictionary, by alias."""
    after = decode_cursor(page.cursor, 1)[0] if page.cursor else None
    found = await aliases.list_all(session, page.limit + 1, after)
    items = [_alias_read(e) for e in found[: page.limit]]
    more = len(found) > page.limit
    cursor = encode_cursor(found[page.limit - 1].alias_key) if more else None
    return Page[AliasRead](items=items, next_cursor=cursor)


@router.delete(
    "/v1/duplicates/aliases/{alias_id}",
    status_code=204,
    responses=problem_responses(aliases.AliasNotFound),
)
async def delete_alias(alias_id: uuid.UUID, principal: CanReview, session: DbSession) -> Response:
    """Forget an alias (records keep their keys until they are written or rescanned)."""
    await aliases.remove(session, principal, alias_id)
    return Response(status_code=204)
