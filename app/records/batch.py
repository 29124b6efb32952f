"""Batch writes: each row validated and matched on its own, written per row or atomically."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth.principal import Principal
from app.core.errors import DomainError
from app.core.i18n import Lang
from app.core.problem_handlers import schema_field_errors
from app.records import service
from app.records.batch_schemas import BatchRequest, BatchResult, BatchSummary, RowError, RowResult
from app.records.kinds import Kind
from app.records.models import Company, Contact
from app.records.prepare import RecordInvalid
from app.records.repository import ExternalRefRepository, RecordRepository
from app.validation.policy import ValidationPolicy


class AtomicBatchRefused(DomainError):
    status, code = 422, "batch.refused"
    title = {
        "en": "The atomic batch was refused: at least one row is invalid; nothing was written",
        "fr": "Le lot atomique est refusé : au moins une ligne est invalide ; rien n'est écrit",
    }


class MatchKeyUnsupported(DomainError):
    status, code = 422, "batch.match_on_unsupported"
    title = {
        "en": "This business key does not apply to this kind of record",
        "fr": "Cette clé métier ne s'applique pas à ce type de fiche",
    }


_SUPPORTED_KEYS = {
    "contact": {"external_ref", "email"},
    "company": {"external_ref", "siren", "siret"},
}
_CONFLICT = {
    "en": "The row conflicts with a stored record",
    "fr": "La ligne entre en conflit avec une fiche enregistrée",
}


class _RowRejected(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors


async def run_batch(
    session: AsyncSession,
    kind: Kind,
    actor: Principal,
    request: BatchRequest,
    policy: ValidationPolicy,
    schema: type[BaseModel],
    lang: Lang,
    entry: service.Entry | None = None,
) -> BatchResult:
    if request.match_on is not None and request.match_on not in _SUPPORTED_KEYS[kind.entity]:
        raise MatchKeyUnsupported(match_on=request.match_on)
    results = []
    # a batch takes seconds: its events join the audit chain together at the end, so other
    # writers do not wait for the whole batch (the chain's lock is held from there on)
    async with audit.appended_at_end(session):
        for index, row in enumerate(request.records):
            try:
                async with session.begin_nested():  # a failing row undoes only itself
                    results.append(
                        await _one(
                            session, kind, actor, request, policy, schema, lang, index, row, entry
                        )
                    )
            except _RowRejected as rejected:
                results.append(RowResult(index=index, status="rejected", errors=rejected.errors))
    summary = BatchSummary()
    for result in results:
        setattr(summary, result.status, getattr(summary, result.status) + 1)
    outcome = BatchResult(committed=True, summary=summary, results=results)
    if request.mode == "atomic" and summary.rejected:
        raise AtomicBatchRefused(
            summary=summary.model_dump(),
            results=[r.model_dump(mode="json") for r in results if r.status == "rejected"],
        )
    return outcome


async def _one(
    session: AsyncSession,
    kind: Kind,
    actor: Principal,
    request: BatchRequest,
    policy: ValidationPolicy,
    schema: type[BaseModel],
    lang: Lang,
    index: int,
    row: Mapping[str, Any],
    entry: service.Entry | None,
) -> RowResult:
    try:
        body = schema.model_validate(row)
    except ValidationError as exc:
        raise _RowRejected(
            [RowError(**e) for e in schema_field_errors(exc.errors(), lang)]
        ) from exc
    fields = body.model_dump(exclude={"source_system", "external_refs"}, exclude_unset=True)
    refs = [(r.system, r.id) for r in body.external_refs]  # type: ignore[attr-defined]
    try:
        existing = await _match(session, kind, request, policy, fields, refs)
        if existing is not None and request.on_match == "skip":
            return RowResult(index=index, status="skipped", id=existing.id)
        if existing is not None and request.on_match == "update":
            written = await service.update(
                session, kind, actor, existing.id, fields, policy, expected_version=None
            )
            status = "updated" if written.changed_fields else "unchanged"
            return RowResult(index=index, status=status, id=existing.id)
        written = await service.create(
            session,
            kind,
            actor,
            fields,
            policy,
            source_system=body.source_system,  # type: ignore[attr-defined]
            external_refs=refs,
            entry=entry,
        )
        duplicates = [rid for rid, _ in written.duplicates]
        return RowResult(
            index=index, status="created", id=written.record.id, possible_duplicates=duplicates
        )
    except RecordInvalid as invalid:
        raise _RowRejected(
            [
                RowError(**{k: e[k] for k in ("field", "code", "message")})
                for e in invalid.field_errors(lang)
            ]
        ) from invalid
    except DomainError as refused:
        message = refused.title.get(lang) or refused.title["en"]
        raise _RowRejected(
            [RowError(field="_record", code=refused.code, message=message)]
        ) from refused
    except IntegrityError as conflict:
        message = _CONFLICT["en" if lang == "en" else "fr"]
        raise _RowRejected(
            [RowError(field="_record", code="record.conflict", message=message)]
        ) from conflict


async def _match(
    session: AsyncSession,
    kind: Kind,
    request: BatchRequest,
    policy: ValidationPolicy,
    fields: Mapping[str, object],
    refs: list[tuple[str, str]],
) -> Any:
    """The existing record the row's business key designates, if any."""
    if request.match_on is None:
        return None
    if request.match_on == "external_ref":
        if not refs:
            return None
        ref = await ExternalRefRepository(session).find(kind.entity, *refs[0])
        return await service.get(session, kind, ref.record_id) if ref else None
    prepared = kind.run_prepare(fields, policy, None)  # the key is compared normalised
    key = prepared.values.get(request.match_on)
    if key is None:
        return None
    model = kind.model
    if request.match_on == "email" and model is Contact:
        return await RecordRepository(session).first_by(Contact, Contact.email == key)
    column = Company.siren if request.match_on == "siren" else Company.siret
    return await RecordRepository(session).first_by(Company, column == key)
