"""Merges: plan or perform one, read them, undo one, start an auto-merge."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from app.auth.deps import requires
from app.auth.errors import auth_problem_responses
from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.core.db import DbSession
from app.core.errors import problem_responses
from app.core.idempotency import Idempotency, idempotent_responses
from app.core.pagination import InvalidCursor, Page, Pagination, keyset_after, keyset_page
from app.merge import auto, recompute, service, undo
from app.merge.errors import (
    AutoMergeDisabled,
    MergeConflict,
    MergeInvalid,
    MergeNotFound,
    MergeRecordNotFound,
    UndoImpossible,
)
from app.merge.models import Merge
from app.merge.repository import MergeRepository
from app.merge.schemas import (
    AutoMergeCreate,
    AutoMergeStarted,
    MergeCreate,
    MergePlanRead,
    MergeRead,
    SurvivorshipUpdate,
)
from app.merge.service import MergeConfig, MergeRequest

router = APIRouter(prefix="/v1/merges", tags=["merge"], responses=auth_problem_responses())
CanMerge = Annotated[Principal, requires(Scope.MERGE)]


def _config(request: Request) -> MergeConfig:
    return MergeConfig.from_settings(request.app.state.settings)


def plan_read(planned: service.Plan) -> MergePlanRead:
    fields = {
        name: {
            "value": choice.value,
            "record_id": choice.record_id,
            "source_system": choice.source_system,
            "updated_at": choice.updated_at,
            "rule": choice.rule,
            "verified": choice.verified,
        }
        for name, choice in planned.choices.items()
    }
    return MergePlanRead(
        entity=planned.entity,
        survivor_id=planned.survivor.id,
        merged_ids=[r.id for r in planned.merged],
        survivor_rule=planned.survivor_rule,
        changed_fields=list(planned.changed),
        fields=fields,  # type: ignore[arg-type]
    )


def merge_read(done: Merge) -> MergeRead:
    return MergeRead.model_validate(done, from_attributes=True)


@router.post(
    "",
    status_code=201,
    response_model=MergeRead | MergePlanRead,
    operation_id="create_merge",
    responses={200: {"model": MergePlanRead, "description": "The dry run's golden record"}}
    | idempotent_responses(201, MergeInvalid, MergeRecordNotFound, MergeConflict),
)
async def create_merge(
    body: MergeCreate, request: Request, principal: CanMerge, session: DbSession, idem: Idempotency
) -> Any:
    """Merge up to 50 records of one kind into a survivor with field-level survivorship
    (201, the merge). With `dry_run` the answer (200) is the golden record, field by field
    with the record each value comes from, and nothing changes. Reversible with
    `POST /v1/merges/{id}/undo` within the undo window."""
    merge_request = MergeRequest(
        body.entity, body.record_ids, body.survivor_id, body.rule, body.field_rules, body.overrides
    )
    if body.dry_run:
        planned = await service.plan(session, merge_request, _config(request), lock=False)
        return Response(
            plan_read(planned).model_dump_json(), status_code=200, media_type="application/json"
        )

    async def work() -> MergeRead:
        return merge_read(await service.merge(session, principal, merge_request, _config(request)))

    return await idem.run(
        body, status_code=201, work=work, headers=lambda m: {"Location": f"/v1/merges/{m.id}"}
    )


@router.get("", response_model=Page[MergeRead], operation_id="list_merges",
            responses=problem_responses(InvalidCursor))  # fmt: skip
async def list_merges(
    principal: CanMerge,
    session: DbSession,
    page: Pagination,
    entity: Literal["contact", "company"] | None = None,
    record_id: Annotated[
        uuid.UUID | None, Query(description="Merges this record survived or was merged in")
    ] = None,
) -> Page[MergeRead]:
    """Merges, newest first."""
    found = await MergeRepository(session).page(
        entity=entity, record_id=record_id, limit=page.limit + 1, after=keyset_after(page.cursor)
    )
    items = [merge_read(m) for m in found]
    return keyset_page(items, page.limit, lambda m: (m.created_at.isoformat(), m.id))


@router.get("/{merge_id}", response_model=MergeRead, operation_id="get_merge",
            responses=problem_responses(MergeNotFound))  # fmt: skip
async def get_merge(merge_id: uuid.UUID, principal: CanMerge, session: DbSession) -> MergeRead:
    """One merge: survivor, merged records, and where each field of the survivor came from."""
    done = await MergeRepository(session).get(merge_id)
    if done is None:
        raise MergeNotFound()
    return merge_read(done)


@router.post("/{merge_id}/undo", response_model=MergeRead, operation_id="undo_merge",
             responses=problem_responses(MergeNotFound, UndoImpossible))  # fmt: skip
async def undo_merge(
    merge_id: uuid.UUID, request: Request, principal: CanMerge, session: DbSession
) -> MergeRead:
    """Put back the merged records, their values, external references, children and review
    pairs as they were. 409 `merge.undo_impossible` with a `reason` when a later merge, a
    change of the survivor, an anonymisation or the undo window forbids it."""
    return merge_read(await undo.undo(session, principal, merge_id, _config(request)))


@router.post("/auto", status_code=202, response_model=AutoMergeStarted,
             operation_id="start_auto_merge",
             responses=problem_responses(AutoMergeDisabled))  # fmt: skip
async def start_auto_merge(
    body: AutoMergeCreate, request: Request, principal: CanMerge, session: DbSession
) -> AutoMergeStarted:
    """Merge, in the background worker, the clusters the review queue holds at the
    `duplicate` verdict (records linked by open or confirmed pairs), each by the settings'
    rules. A dry run (the default) reports what it would merge; merging for real needs
    `CRMDQ_AUTO_MERGE_ENABLED=true`. The report is the job's result at `/v1/jobs/{job_id}`."""
    if not body.dry_run and not request.app.state.settings.auto_merge_enabled:
        raise AutoMergeDisabled()
    job = await auto.start(
        session, principal, body.entity, dry_run=body.dry_run, config=_config(request)
    )
    return AutoMergeStarted(job_id=job.id, status=job.status)


@router.post("/{merge_id}/survivorship", response_model=MergePlanRead,
             operation_id="recompute_survivorship",
             responses=problem_responses(MergeNotFound, MergeConflict, MergeInvalid))  # fmt: skip
async def recompute_survivorship(
    merge_id: uuid.UUID,
    body: SurvivorshipUpdate,
    request: Request,
    principal: CanMerge,
    session: DbSession,
) -> MergePlanRead:
    """Choose the survivor's values again from the merged records (the survivor as it was
    before the merge and the tombstones), under other field rules or overrides. With
    `dry_run` nothing changes; otherwise the survivor is updated (audited, and the merge can
    still be undone)."""
    planned = await recompute.recompute(
        session,
        principal,
        merge_id,
        body.field_rules,
        body.overrides,
        _config(request),
        dry_run=body.dry_run,
    )
    return plan_read(planned)
