"""Where each field of a record came from: `GET /v1/{contacts|companies}/{id}/provenance`."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter

from app.auth.deps import requires
from app.auth.errors import auth_problem_responses
from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.core.db import DbSession
from app.core.errors import problem_responses
from app.merge import provenance
from app.merge.fields import ENTITY_FIELDS
from app.merge.schemas import ProvenanceRead
from app.records import service as records
from app.records.kinds import COMPANIES, CONTACTS, Kind

router = APIRouter(tags=["merge"], responses=auth_problem_responses())
CanRead = Annotated[Principal, requires(Scope.RECORDS_READ)]


async def _read(session: DbSession, kind: Kind, record_id: uuid.UUID) -> ProvenanceRead:
    record = await records.get(session, kind, record_id)
    fields = provenance.shown(record, ENTITY_FIELDS[kind.entity])
    return ProvenanceRead.model_validate({"record_id": record.id, "fields": fields})


@router.get("/v1/contacts/{record_id}/provenance", response_model=ProvenanceRead,
            operation_id="get_contact_provenance",
            responses=problem_responses(CONTACTS.not_found))  # fmt: skip
async def contact_provenance(
    record_id: uuid.UUID, principal: CanRead, session: DbSession
) -> ProvenanceRead:
    """Every field of the contact with its value, the record and source system it came from,
    when it was last written or verified, and the rule that chose it (`entered` for a value
    typed into this record, `written` for an update, a survivorship rule after a merge)."""
    return await _read(session, CONTACTS, record_id)


@router.get("/v1/companies/{record_id}/provenance", response_model=ProvenanceRead,
            operation_id="get_company_provenance",
            responses=problem_responses(COMPANIES.not_found))  # fmt: skip
async def company_provenance(
    record_id: uuid.UUID, principal: CanRead, session: DbSession
) -> ProvenanceRead:
    """Every field of the company with its value and where it came from (see the contact
    variant)."""
    return await _read(session, COMPANIES, record_id)
