"""A record's quality score, and rescoring on demand."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Request

from app.auth.deps import requires
from app.auth.errors import auth_problem_responses
from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.core.db import DbSession
from app.core.errors import problem_responses
from app.core.problem_handlers import language_of
from app.quality import record_job, record_service
from app.quality.record_schemas import (
    ReasonRead,
    RecordQualityRead,
    RescoreRequest,
    RescoreStarted,
)
from app.records.errors import CompanyNotFound, ContactNotFound
from app.records.kinds import COMPANIES, CONTACTS, Kind

router = APIRouter(tags=["quality"], responses=auth_problem_responses())
CanRead = Annotated[Principal, requires(Scope.QUALITY_READ)]
CanManage = Annotated[Principal, requires(Scope.QUALITY_MANAGE)]


async def _answer(
    session: DbSession, request: Request, kind: Kind, record_id: uuid.UUID
) -> RecordQualityRead:
    found = await record_service.quality_of(session, kind, record_id)
    lang = language_of(request)
    return RecordQualityRead(
        id=found.record_id,
        entity=kind.entity,
        status=found.status,
        score=found.score,
        dimensions=dict(found.dimensions),
        reasons=[ReasonRead.of(dict(r), lang) for r in found.reasons],
        flags=list(found.flags),
        scored_at=found.scored_at,
        stored=found.stored,
    )


@router.get(
    "/v1/contacts/{record_id}/quality",
    response_model=RecordQualityRead,
    operation_id="get_contact_quality",
    responses=problem_responses(ContactNotFound),
)
async def get_contact_quality(
    record_id: uuid.UUID, request: Request, principal: CanRead, session: DbSession
) -> RecordQualityRead:
    """The contact's quality score (0–100), its five dimensions, the reasons that cost points
    (messages in the Accept-Language) and its flags. Kept current on every write; a contact
    never scored yet is scored for this answer (`stored: false`)."""
    return await _answer(session, request, CONTACTS, record_id)


@router.get(
    "/v1/companies/{record_id}/quality",
    response_model=RecordQualityRead,
    operation_id="get_company_quality",
    responses=problem_responses(CompanyNotFound),
)
async def get_company_quality(
    record_id: uuid.UUID, request: Request, principal: CanRead, session: DbSession
) -> RecordQualityRead:
    """The company's quality score, dimensions, reasons and flags (see the contact one)."""
    return await _answer(session, request, COMPANIES, record_id)


@router.post(
    "/v1/quality/rescore",
    status_code=202,
    response_model=RescoreStarted,
    operation_id="start_quality_rescore",
)
async def start_rescore(
    body: RescoreRequest, principal: CanManage, session: DbSession
) -> RescoreStarted:
    """Rescore every active contact or company in the background worker (after changing
    the `CRMDQ_QUALITY_*` weights, say); progress at `/v1/jobs/{job_id}`. A schedule does
    this daily anyway, since timeliness decays with time."""
    job = await record_job.start(session, principal, body.entity)
    return RescoreStarted(job_id=job.id, status=job.status)
