"""Duplicate lookup for a record not yet stored, and the duplicates of a stored one."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.exceptions import RequestValidationError

from app.auth.deps import requires
from app.auth.errors import auth_problem_responses
from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.core.db import DbSession
from app.core.errors import NotFound, problem_responses
from app.core.i18n import Lang
from app.core.problem_handlers import language_of
from app.dedup import level_counts, service
from app.dedup.schemas import LookupRequest, LookupResult, MatchModelRead, match_read, model_read
from app.records import service as records
from app.records.errors import CompanyNotFound, ContactNotFound
from app.records.kinds import COMPANIES, CONTACTS, Kind

router = APIRouter(tags=["duplicates"], responses=auth_problem_responses())
CanReadDuplicates = Annotated[Principal, requires(Scope.DUPLICATES_READ)]
Limit = Annotated[int, Query(ge=1, le=50)]


def _answer(found: service.Lookup, lang: Lang) -> LookupResult:
    return LookupResult(
        matches=[match_read(rid, result, lang) for rid, result in found.matches],
        candidates_compared=found.candidates,
        keys_used=found.keys_used,
        keys_capped=found.keys_capped,
    )


@router.post("/v1/duplicates/lookup", response_model=LookupResult)
async def lookup_duplicates(
    body: LookupRequest, principal: CanReadDuplicates, session: DbSession, request: Request
) -> LookupResult:
    """Find the stored records a new one would duplicate (a web form or the CRM before it
    creates): best first, each with a probability, a verdict (duplicate | possible |
    related) and the per-field reasons. Nothing is stored."""
    if unknown := body.unknown_fields():
        # the shape of any other unknown body field's error, so clients handle one kind
        errors = [
            {"type": "extra_forbidden", "loc": ("body", "record", name), "input": None,
             "msg": "Extra inputs are not permitted"}
            for name in unknown
        ]  # fmt: skip
        raise RequestValidationError(errors)
    found = await service.lookup(session, body.entity, body.record, limit=body.limit)
    return _answer(found, language_of(request))


@router.get("/v1/duplicates/model", response_model=MatchModelRead)
async def match_model(
    principal: CanReadDuplicates, session: DbSession, entity: Literal["contact", "company"]
) -> MatchModelRead:
    """The weights pairs are scored with, field by field and level by level: the m the
    shipped model judges, and the m in use. For the fields a base may set (a contact's job
    title, mobile, personal email and civility: how often a base's duplicates keep them
    depends on how it was fed), the m in use is read from the pairs the last full scan
    found settled by the other fields alone, drawn towards the judgement; before the first
    full scan, the judgement is in use."""
    counted = await level_counts.read(session, entity)
    judged = service.ENGINES[entity].model
    in_use = service.estimated_model(entity, counted.levels)
    return model_read(entity, judged, in_use, counted)


def _add_duplicates_route(kind: Kind, plural: str, not_found: type[NotFound], doc: str) -> None:
    """`GET /v1/{plural}/{record_id}/duplicates`: the same route for both record kinds."""

    @router.get(
        f"/v1/{plural}/{{record_id}}/duplicates",
        response_model=LookupResult,
        responses=problem_responses(not_found),
        name=f"{kind.entity}_duplicates",
        description=doc,
    )
    async def duplicates(
        record_id: uuid.UUID,
        principal: CanReadDuplicates,
        session: DbSession,
        request: Request,
        response: Response,
        limit: Limit = 10,
    ) -> LookupResult:
        record = await records.get(session, kind, record_id)
        if record.status == "merged":  # as a read does: the record lives on in its survivor
            record = await records.survivor_of(session, kind, record)
            response.headers["Content-Location"] = f"/v1/{plural}/{record.id}/duplicates"
        fields = service.fields_of(kind.entity, record)
        found = await service.lookup(session, kind.entity, fields, limit=limit, exclude=record.id)
        return _answer(found, language_of(request))


_add_duplicates_route(
    CONTACTS,
    "contacts",
    ContactNotFound,
    "The stored contacts that may be the same person as this one (for a merged contact,\n"
    "those of its survivor, named in `Content-Location`).",
)
_add_duplicates_route(
    COMPANIES,
    "companies",
    CompanyNotFound,
    "The stored companies that may be this one (or related: establishment, subsidiary;\n"
    "for a merged company, those of its survivor, named in `Content-Location`).",
)
