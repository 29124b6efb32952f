"""Cleaning legacy records: a dry run that lists the changes, then an apply step."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from app.auth.deps import requires
from app.auth.errors import auth_problem_responses
from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.core.db import DbSession
from app.core.errors import problem_responses
from app.core.idempotency import Idempotency, idempotent_responses
from app.core.pagination import InvalidCursor, Page, Pagination, encode_cursor, keyset_position
from app.core.timeutil import utcnow
from app.quality import cleaning_job  # noqa: F401  (registers the job's handler)
from app.quality import cleaning_service as service
from app.quality.cleaning_errors import (
    AlreadyApplied,
    CleaningNotFound,
    DryRunNotFinished,
    DryRunStale,
)
from app.quality.cleaning_schemas import (
    ChangeRead,
    CleaningCreate,
    CleaningRead,
    CleaningStarted,
    FieldChangeRead,
    Progress,
)
from app.validation.policy import ValidationPolicy

router = APIRouter(
    prefix="/v1/quality/cleanings", tags=["quality"], responses=auth_problem_responses()
)
CanRead = Annotated[Principal, requires(Scope.QUALITY_READ)]
CanManage = Annotated[Principal, requires(Scope.QUALITY_MANAGE)]
CanApply = Annotated[Principal, requires(Scope.QUALITY_MANAGE, Scope.RECORDS_WRITE)]


async def _policy(request: Request) -> ValidationPolicy:
    return request.app.state.validation_policy


Policy = Annotated[ValidationPolicy, Depends(_policy)]


def _validity(request: Request) -> timedelta:
    return timedelta(hours=request.app.state.settings.quality_cleaning_dry_run_validity_h)


def _read(state: service.RunState, validity: timedelta) -> CleaningRead:
    run, job = state.run, state.job
    return CleaningRead(
        id=run.id,
        entity=run.entity,
        fields=run.fields,
        source=run.source_system,
        status=state.status,
        progress=Progress(
            job_id=job.id if job else None,
            job_status=job.status if job else None,
            done=job.progress_done if job else 0,
            total=job.progress_total if job else None,
        ),
        records_scanned=run.scanned,
        records_to_change=run.to_change,
        changes_per_field=run.field_counts,
        unresolved_per_field=run.unresolved_counts,
        blocked=run.blocked_counts,
        applied=run.outcome_counts,
        refused_per_code=run.refused_counts,
        created_at=run.created_at,
        planned_at=run.planned_at,
        applicable_until=run.planned_at + validity
        if run.planned_at and run.status == "planned"
        else None,
        applied_at=run.applied_at,
    )


@router.post(
    "",
    status_code=202,
    response_model=CleaningStarted,
    operation_id="start_cleaning",
    responses=idempotent_responses(202),
)
async def start_cleaning(
    body: CleaningCreate, principal: CanManage, session: DbSession, idem: Idempotency
) -> Any:
    """Start the dry run of a cleaning in the background worker: it walks the active
    records of `entity` (of one `source` system if given) and plans what the write path's
    normalisers would change (phones to E.164, names' casing, legal forms split off company
    names, trimmed text, lower-cased emails, civility). It changes nothing. Follow it at
    `GET /v1/quality/cleanings/{id}`; apply it with `POST …/{id}/apply`."""

    async def work() -> CleaningStarted:
        job = await service.start_dry_run(session, principal, body)
        return CleaningStarted(id=uuid.UUID(job.params["run_id"]), job_id=job.id, status=job.status)

    return await idem.run(
        body,
        status_code=202,
        work=work,
        headers=lambda r: {"Location": f"/v1/quality/cleanings/{r.id}"},
    )


@router.get(
    "/{run_id}",
    response_model=CleaningRead,
    operation_id="get_cleaning",
    responses=problem_responses(CleaningNotFound),
)
async def get_cleaning(
    run_id: uuid.UUID, principal: CanRead, session: DbSession, request: Request
) -> CleaningRead:
    """Where a cleaning stands: status, progress of its running step, records to change
    and changes per field, values that cannot be normalised, and once applied how many
    records were applied, unchanged, skipped because they changed since, or refused."""
    return _read(await service.get_run(session, run_id), _validity(request))


@router.get(
    "/{run_id}/changes",
    response_model=Page[ChangeRead],
    operation_id="list_cleaning_changes",
    responses=problem_responses(CleaningNotFound, InvalidCursor),
)
async def list_cleaning_changes(
    run_id: uuid.UUID, principal: CanManage, session: DbSession, page: Pagination, policy: Policy
) -> Page[ChangeRead]:
    """The records a dry run plans to change, in id order, each with its fields' values
    before and after. Values are not stored with the run (GDPR): they are re-planned from
    each record as it is now, and `stale` says when the record changed since the dry run."""
    state = await service.get_run(session, run_id)
    position = keyset_position(page.cursor, lambda text: text)
    after = position[1] if position else None
    listed = await service.list_changes(
        session, state.run, policy, after=after, limit=page.limit + 1
    )
    items = [
        ChangeRead(
            record_id=item.row.record_id,
            planned_version=item.row.version,
            current_version=item.current_version,
            outcome=item.row.outcome,
            stale=item.stale,
            changes=[FieldChangeRead.model_validate(c, from_attributes=True) for c in item.changes],
            unresolved=item.row.unresolved,
        )
        for item in listed
    ]
    more = len(items) > page.limit
    items = items[: page.limit]
    cursor = encode_cursor("r", items[-1].record_id) if more and items else None
    return Page[ChangeRead](items=items, next_cursor=cursor)


@router.post(
    "/{run_id}/apply",
    status_code=202,
    response_model=CleaningStarted,
    operation_id="apply_cleaning",
    responses=problem_responses(CleaningNotFound, DryRunNotFinished, DryRunStale, AlreadyApplied),
)
async def apply_cleaning(
    run_id: uuid.UUID, principal: CanApply, session: DbSession, request: Request
) -> CleaningStarted:
    """Apply a finished dry run (at most 24 hours old by default) in the background: each
    planned record is written through the same update path as `PATCH`, so it is audited
    (request id `cleaning:<id>`), announced to webhooks and re-scored. A record edited
    since the dry run is skipped (`skipped_changed`). Needs `records:write` too."""
    job = await service.start_apply(
        session, principal, run_id, now=utcnow(), validity=_validity(request)
    )
    return CleaningStarted(id=run_id, job_id=job.id, status=job.status)
