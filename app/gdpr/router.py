"""GDPR: erasure, subject search, the suppression list, and a contact's consent."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.audit import service as audit
from app.auth.deps import requires
from app.auth.errors import auth_problem_responses
from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.core.db import DbSession
from app.core.errors import DomainError, problem_responses
from app.core.timeutil import utcnow
from app.gdpr import consent, erasure, subjects, suppression
from app.gdpr.schemas import (
    ConsentEventRead,
    ConsentRead,
    EmailBody,
    ErasureCreate,
    ErasureRead,
    LegalHold,
    SubjectRead,
    SuppressionCreate,
    SuppressionState,
)
from app.records.errors import ContactNotFound
from app.records.models import Contact

router = APIRouter(tags=["gdpr"], responses=auth_problem_responses())
CanErase = Annotated[Principal, requires(Scope.GDPR_ERASE)]
CanExport = Annotated[Principal, requires(Scope.GDPR_EXPORT)]
CanManage = Annotated[Principal, requires(Scope.GDPR_MANAGE)]
CanRead = Annotated[Principal, requires(Scope.RECORDS_READ)]


class SearchNeedsCriteria(DomainError):
    status, code = 422, "gdpr.search_criteria"
    title = {
        "en": "Give an email, a phone, a name, or a system with an external id",
        "fr": "Indiquez un e-mail, un téléphone, un nom, ou un système avec un identifiant",
    }


@router.post("/v1/gdpr/erasures", response_model=ErasureRead, operation_id="erase_contact",
             responses=problem_responses(ContactNotFound))  # fmt: skip
async def erase(body: ErasureCreate, principal: CanErase, session: DbSession) -> ErasureRead:
    """Erase a person: `anonymize` keeps a shell without personal values (counts and history
    stay), `delete` removes the rows. The records merged into the contact go too, copies of
    their values elsewhere are scrubbed, their addresses join the suppression list, and a
    `record.anonymized` event is written for the CRM. Irreversible."""
    ids = await erasure.erase(session, principal, body.contact_id, body.mode, reason=body.reason)
    return ErasureRead(contact_id=ids[0], mode=body.mode, records=ids, erased_at=utcnow())


@router.get("/v1/gdpr/subjects", response_model=list[SubjectRead], operation_id="find_subjects",
            responses=problem_responses(SearchNeedsCriteria))  # fmt: skip
async def find_subjects(
    principal: CanExport,
    session: DbSession,
    email: Annotated[str | None, Query(max_length=320)] = None,
    phone: Annotated[str | None, Query(max_length=50)] = None,
    name: Annotated[str | None, Query(min_length=2, max_length=200)] = None,
    system: Annotated[str | None, Query(max_length=64)] = None,
    external_id: Annotated[str | None, Query(max_length=200)] = None,
) -> list[SubjectRead]:
    """The people matching any criterion, each with every record they appear in (the
    survivor, then the records merged into it, whatever their status). Up to 50 subjects."""
    if not (email or phone or name or (system and external_id)):
        raise SearchNeedsCriteria()
    found = await subjects.search(
        session, email=email, phone=phone, name=name, system=system, external_id=external_id
    )
    return [SubjectRead.model_validate(s) for s in found]


@router.post("/v1/gdpr/suppressions", status_code=201, response_model=SuppressionState,
             operation_id="suppress_email")  # fmt: skip
async def suppress(
    body: SuppressionCreate, principal: CanManage, session: DbSession
) -> SuppressionState:
    """Put an address on the suppression list (an objection): no contact can be stored with
    it any more. Only a keyed hash of the address is kept."""
    await suppression.add(session, principal, [body.email], body.reason)
    await _audit(session, principal, "suppression.added")
    return SuppressionState(suppressed=True)


@router.post("/v1/gdpr/suppressions/lookup", response_model=SuppressionState,
             operation_id="lookup_suppression")  # fmt: skip
async def lookup(body: EmailBody, principal: CanManage, session: DbSession) -> SuppressionState:
    """Whether an address is on the suppression list."""
    return SuppressionState(suppressed=await suppression.is_suppressed(session, [body.email]))


@router.post("/v1/gdpr/suppressions/lift", status_code=204, operation_id="lift_suppression")
async def lift(body: EmailBody, principal: CanManage, session: DbSession) -> Response:
    """Take an address off the suppression list (the person gave consent again)."""
    if await suppression.remove(session, body.email):
        await _audit(session, principal, "suppression.lifted")
    return Response(status_code=204)


async def _audit(session: DbSession, principal: Principal, action: str) -> None:
    await audit.record(session, principal, action, entity_type="suppression")


@router.get("/v1/contacts/{contact_id}/consent", response_model=ConsentRead,
            operation_id="get_contact_consent",
            responses=problem_responses(ContactNotFound))  # fmt: skip
async def contact_consent(
    contact_id: uuid.UUID, principal: CanRead, session: DbSession
) -> ConsentRead:
    """How the contact's data was collected (lawful basis, method, source, date), whether
    it may receive marketing, and the history of its opt-in/opt-out and email status."""
    group = await erasure.subject_records(session, contact_id)
    contact = next(c for c in group if c.id == contact_id)
    events = await consent.history(session, [c.id for c in group])
    return ConsentRead(
        contact_id=contact.id,
        lawful_basis=contact.lawful_basis,
        collection_method=contact.collection_method,
        collected_at=contact.collected_at,
        source_system=contact.source_system,
        subscription_status=contact.subscription_status,
        email_status=contact.email_status,
        marketing_eligible=contact.status == "active" and consent.is_marketing_eligible(contact),
        legal_hold=contact.legal_hold,
        history=[ConsentEventRead.model_validate(e, from_attributes=True) for e in events],
    )


@router.put(
    "/v1/gdpr/legal-holds/{contact_id}",
    response_model=ConsentRead,
    operation_id="set_legal_hold",
    responses=problem_responses(ContactNotFound),
)
async def set_legal_hold(
    contact_id: uuid.UUID, body: LegalHold, principal: CanManage, session: DbSession
) -> ConsentRead:
    """Exempt a contact from retention sweeps (a dispute, a legal obligation), or lift it."""
    contact = await session.get(Contact, contact_id, with_for_update=True)
    if contact is None:
        raise ContactNotFound()
    if contact.legal_hold != body.hold:
        contact.legal_hold = body.hold
        await session.flush()
        await audit.record(
            session, principal, "contact.legal_hold", entity_type="contact",
            entity_id=contact.id, fields=("legal_hold",),
            details={"hold": body.hold, "reason": body.reason},
        )  # fmt: skip
    return await contact_consent(contact_id, principal, session)
