"""The contacts and companies routers: the same operations over two record kinds.

No `from __future__ import annotations` here: FastAPI reads the annotations of the nested
route functions, which name schemas passed into the factory.
"""

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from app.auth.deps import requires
from app.auth.errors import auth_problem_responses
from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.core.db import DbSession
from app.core.errors import problem_responses
from app.core.idempotency import Idempotency, idempotent_responses
from app.core.pagination import (
    InvalidCursor,
    Page,
    Pagination,
    keyset_after,
    keyset_page,
    keyset_position,
)
from app.core.problem_handlers import language_of
from app.dedup.prevention import DuplicateBlocked
from app.dedup.schemas import match_read
from app.quality import record_service as record_quality
from app.records import service
from app.records.batch import AtomicBatchRefused, MatchKeyUnsupported, run_batch
from app.records.batch_schemas import BatchRequest, BatchResult
from app.records.errors import (
    ExternalRefTaken,
    IfMatchRequired,
    RecordNotActive,
    VersionMismatch,
)
from app.records.filters import Common
from app.records.http import (
    AllowDuplicates,
    ChannelQuery,
    InvalidIfMatch,
    Policy,
    entry_for,
    etag,
    expected_version,
    read_models,
    to_read,
    with_duplicates,
)
from app.records.kinds import Kind
from app.records.prepare import RecordInvalid

CanRead = Annotated[Principal, requires(Scope.RECORDS_READ)]
CanWrite = Annotated[Principal, requires(Scope.RECORDS_WRITE)]
System = Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
ExternalId = Annotated[str, Path(max_length=200)]
ListSort = Annotated[
    Literal["created", "quality"],
    Query(description="`created` (oldest first) or `quality` (lowest score first)"),
]
FollowMerges = Annotated[
    bool, Query(description="Answer with the survivor when the record was merged away")
]


def build_router(
    kind: Kind,
    plural: str,
    create_schema: Any,
    update_schema: Any,
    read_schema: Any,
    kind_filters: Any,
) -> APIRouter:
    router = APIRouter(prefix=f"/v1/{plural}", tags=[plural], responses=auth_problem_responses())
    not_found = problem_responses(kind.not_found)
    label = kind.entity

    def answer(response: Response, record: Any, refs: list[Any]) -> Any:
        response.headers["ETag"] = etag(record.version)
        return to_read(read_schema, record, refs)

    async def refs(session: DbSession, record: Any) -> list[Any]:
        return (await service.refs_of(session, [record.id]))[record.id]

    created_schema = with_duplicates(read_schema)

    @router.post(
        "",
        status_code=201,
        response_model=created_schema,
        operation_id=f"create_{label}",
        responses=idempotent_responses(201, RecordInvalid, ExternalRefTaken, DuplicateBlocked),
    )
    async def create(
        body: create_schema,
        request: Request,
        principal: CanWrite,
        session: DbSession,
        policy: Policy,
        idem: Idempotency,
        channel: ChannelQuery = None,
        allow_duplicates: AllowDuplicates = False,
    ) -> Any:
        entry = entry_for(request, principal, channel, allow_duplicates)

        async def work() -> Any:
            fields = body.model_dump(exclude={"source_system", "external_refs"}, exclude_unset=True)
            written = await service.create(
                session,
                kind,
                principal,
                fields,
                policy,
                source_system=body.source_system,
                external_refs=[(r.system, r.id) for r in body.external_refs],
                entry=entry,
            )
            read = to_read(read_schema, written.record, await refs(session, written.record))
            lang = language_of(request)
            matches = [match_read(rid, result, lang) for rid, result in written.duplicates]
            return created_schema(**read.model_dump(), possible_duplicates=matches)

        return await idem.run(
            body,
            status_code=201,
            work=work,
            headers=lambda r: {"Location": f"/v1/{plural}/{r.id}", "ETag": etag(r.version)},
        )

    create.__doc__ = (
        f"Create a {label}. Fields are validated and normalised as `/v1/validate/{label}` does; "
        "errors answer 422 with the field findings, and warnings are kept as quality issues."
    )

    @router.get(
        "",
        response_model=Page[read_schema],
        operation_id=f"list_{plural}",
        responses=problem_responses(InvalidCursor),
    )
    async def list_records(
        principal: CanRead,
        session: DbSession,
        page: Pagination,
        common: Common,
        specific: kind_filters,
        sort: ListSort = "created",
    ) -> Any:
        conditions = common.conditions(kind.model) + specific.conditions()
        if sort == "quality":
            found = await record_quality.worst_page(
                session,
                kind.entity,
                conditions,
                limit=page.limit + 1,
                after=keyset_position(page.cursor, int),
            )
            items = await read_models(session, read_schema, list(found))
            return keyset_page(items, page.limit, lambda r: (r.quality_score, r.id))
        found = await service.list_page(
            session, kind, conditions, limit=page.limit + 1, after=keyset_after(page.cursor)
        )
        items = await read_models(session, read_schema, list(found))
        return keyset_page(items, page.limit, lambda r: (r.created_at.isoformat(), r.id))

    list_records.__doc__ = (
        f"{plural.capitalize()}, oldest first (`sort=quality`: lowest quality score first, "
        "never-scored ones left out), filtered for segmentation."
    )

    @router.get(
        "/{record_id}", response_model=read_schema, operation_id=f"get_{label}", responses=not_found
    )
    async def get_one(
        record_id: uuid.UUID,
        principal: CanRead,
        session: DbSession,
        response: Response,
        follow_merges: FollowMerges = True,
    ) -> Any:
        record = await service.get(session, kind, record_id)
        if follow_merges and record.status == "merged":
            record = await service.survivor_of(session, kind, record)
            response.headers["Content-Location"] = f"/v1/{plural}/{record.id}"
        return answer(response, record, await refs(session, record))

    get_one.__doc__ = (
        f"One {label}, with its `ETag` (send it back as `If-Match` to update). A {label} "
        "merged into another answers with the survivor's body and its address in "
        "`Content-Location`, so old ids keep working; `follow_merges=false` reads the "
        "tombstone itself."
    )

    @router.patch(
        "/{record_id}",
        response_model=read_schema,
        operation_id=f"update_{label}",
        responses=problem_responses(
            kind.not_found,
            RecordInvalid,
            VersionMismatch,
            IfMatchRequired,
            InvalidIfMatch,
            RecordNotActive,
        ),
    )
    async def update(
        record_id: uuid.UUID,
        body: update_schema,
        request: Request,
        principal: CanWrite,
        session: DbSession,
        policy: Policy,
        response: Response,
    ) -> Any:
        version = expected_version(request, required=True)
        changes = body.model_dump(exclude_unset=True)
        written = await service.update(
            session, kind, principal, record_id, changes, policy, expected_version=version
        )
        return answer(response, written.record, await refs(session, written.record))

    update.__doc__ = (
        f"Change some fields of a {label}. `If-Match` with the ETag you read is required: a "
        "stale version answers 412 and changes nothing."
    )

    @router.delete(
        "/{record_id}",
        status_code=204,
        operation_id=f"delete_{label}",
        responses=problem_responses(
            kind.not_found, VersionMismatch, IfMatchRequired, InvalidIfMatch
        ),
    )
    async def delete(
        record_id: uuid.UUID, request: Request, principal: CanWrite, session: DbSession
    ) -> Response:
        version = expected_version(request, required=True)
        assert version is not None
        await service.delete(session, kind, principal, record_id, expected_version=version)
        return Response(status_code=204)

    delete.__doc__ = (
        f"Delete a {label} the source system deleted (`If-Match` required). Its external "
        "references and blocking keys go with it; the audit trail keeps the fact."
    )

    @router.get(
        "/by-ref/{system}/{external_id}",
        response_model=read_schema,
        operation_id=f"get_{label}_by_ref",
        responses=not_found,
    )
    async def get_by_ref(
        system: System,
        external_id: ExternalId,
        principal: CanRead,
        session: DbSession,
        response: Response,
    ) -> Any:
        record = await service.find_by_ref(session, kind, system, external_id)
        return answer(response, record, await refs(session, record))

    get_by_ref.__doc__ = f"The {label} an external system knows as `external_id`."

    @router.put(
        "/by-ref/{system}/{external_id}",
        response_model=read_schema,
        operation_id=f"upsert_{label}_by_ref",
        responses={201: {"description": "Created"}}
        | problem_responses(RecordInvalid, VersionMismatch, InvalidIfMatch, RecordNotActive),
    )
    async def upsert_by_ref(
        system: System,
        external_id: ExternalId,
        body: update_schema,
        request: Request,
        principal: CanWrite,
        session: DbSession,
        policy: Policy,
        response: Response,
        channel: ChannelQuery = None,
        allow_duplicates: AllowDuplicates = False,
    ) -> Any:
        version = expected_version(request, required=False)
        written = await service.upsert_by_ref(
            session,
            kind,
            principal,
            system,
            external_id,
            body.model_dump(exclude_unset=True),
            policy,
            expected_version=version,
            entry=entry_for(request, principal, channel, allow_duplicates),
        )
        if written.created:
            response.status_code = 201
            response.headers["Location"] = f"/v1/{plural}/{written.record.id}"
        return answer(response, written.record, await refs(session, written.record))

    upsert_by_ref.__doc__ = (
        f"Create or update the {label} an external system knows as `external_id` (201 when "
        "created). `If-Match` is optional here; when sent, a stale version answers 412."
    )

    @router.post(
        "/batch",
        response_model=BatchResult,
        operation_id=f"batch_{plural}",
        responses=idempotent_responses(200, AtomicBatchRefused, MatchKeyUnsupported),
    )
    async def batch(
        body: BatchRequest,
        request: Request,
        principal: CanWrite,
        session: DbSession,
        policy: Policy,
        idem: Idempotency,
        channel: ChannelQuery = None,
        allow_duplicates: AllowDuplicates = False,
    ) -> Any:
        entry = entry_for(request, principal, channel, allow_duplicates)

        async def work() -> BatchResult:
            return await run_batch(
                session, kind, principal, body, policy, create_schema, language_of(request), entry
            )

        return await idem.run(body, status_code=200, work=work)

    batch.__doc__ = (
        f"Create or update up to 1,000 {plural} in one call, with one result per row "
        "(created / updated / unchanged / skipped / rejected with field errors). `match_on` "
        "names the business key that finds an existing record and `on_match` what to do then. "
        "`atomic` writes all rows or none (422 `batch.refused` listing the rejected rows)."
    )
    return router
