"""Subject exports (GDPR art. 15 and 20): ask, follow, download."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from app.auth.deps import requires
from app.auth.errors import auth_problem_responses
from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.core.db import DbSession
from app.core.errors import DomainError, problem_responses
from app.core.i18n import pick
from app.core.idempotency import Idempotency, idempotent_responses
from app.core.problem_handlers import language_of, problem_response
from app.core.timeutil import utcnow
from app.gdpr import export_job  # noqa: F401  (registers the job's handler)
from app.gdpr import export_service as service
from app.gdpr.export_errors import (
    ExportContactNotFound,
    ExportExpired,
    ExportNotFound,
    ExportNotReady,
)
from app.gdpr.export_models import GdprExport
from app.gdpr.export_schemas import ExportCreate, ExportRead

router = APIRouter(prefix="/v1/gdpr/exports", tags=["gdpr"], responses=auth_problem_responses())
CanExport = Annotated[Principal, requires(Scope.GDPR_EXPORT)]


def to_read(export: GdprExport) -> ExportRead:
    return ExportRead.model_validate(export, from_attributes=True)


def _problem(request: Request, error: DomainError) -> JSONResponse:
    """A problem answered without raising, so the request's transaction still commits."""
    return problem_response(
        request,
        status=error.status,
        code=error.code,
        title=pick(error.title, language_of(request)),
        extra=error.context,
    )


@router.post("", status_code=202, response_model=ExportRead, operation_id="create_gdpr_export",
             responses=idempotent_responses(202, ExportContactNotFound))  # fmt: skip
async def create_gdpr_export(
    body: ExportCreate, principal: CanExport, session: DbSession, idem: Idempotency
) -> Any:
    """Build, in the background, a JSON bundle of everything held about a person: their
    records (merged-away ones included), external references, consent history, merges,
    requests and the audit events about them. Poll `GET /v1/gdpr/exports/{id}` until
    `ready`, then download it within 7 days; after that it is deleted."""

    async def work() -> ExportRead:
        return to_read(await service.start(session, principal, body.contact_id))

    return await idem.run(
        body,
        status_code=202,
        work=work,
        headers=lambda e: {"Location": f"/v1/gdpr/exports/{e.id}"},
    )


@router.get("/{export_id}", response_model=ExportRead, operation_id="get_gdpr_export",
            responses=problem_responses(ExportNotFound))  # fmt: skip
async def get_gdpr_export(
    export_id: uuid.UUID, principal: CanExport, session: DbSession
) -> ExportRead:
    """Where an export stands: `pending`, `ready` (download it) or `expired` (deleted)."""
    return to_read(await service.get(session, export_id, utcnow()))


@router.get(
    "/{export_id}/download",
    operation_id="download_gdpr_export",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}, "description": "The bundle"}}
    | problem_responses(ExportNotFound, ExportNotReady, ExportExpired),
)
async def download_gdpr_export(
    export_id: uuid.UUID, request: Request, principal: CanExport, session: DbSession
) -> Response:
    """The bundle as a JSON attachment (UTF-8). Each download is audited. 409 while it is
    being built; 410 once expired."""
    now = utcnow()
    export = await service.get(session, export_id, now)
    if export.status == "expired":
        return _problem(request, ExportExpired())
    bundle = await service.download(session, principal, export, now)
    return Response(
        json.dumps(bundle, ensure_ascii=False, indent=2).encode("utf-8"),
        media_type="application/json; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="crm-dq-export-{export.id}.json"',
            "Cache-Control": "no-store",
        },
    )
