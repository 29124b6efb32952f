"""Use cases shared by contacts and companies: create, read, update, upsert by external ref."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth.principal import Principal
from app.core.timeutil import utcnow
from app.dedup import aliases, prevention
from app.dedup import service as dedup
from app.gdpr import consent, suppression
from app.merge import provenance
from app.quality import record_job as record_quality_job
from app.quality import record_service as record_quality
from app.records.errors import ExternalRefTaken, RecordNotActive, VersionMismatch
from app.records.kinds import COMPANIES, CONTACTS, Kind
from app.records.models import Company, ExternalRef
from app.records.prepare import Prepared, RecordInvalid
from app.records.repository import ExternalRefRepository, RecordRepository
from app.validation.findings import error
from app.validation.policy import ValidationPolicy
from app.webhooks import outbox


@dataclass(frozen=True, slots=True)
class Written:
    record: Any
    created: bool
    changed_fields: tuple[str, ...]
    duplicates: tuple[tuple[uuid.UUID, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class Entry:
    """How a create came in, for the duplicate rules (see app.dedup.prevention)."""

    rules: prevention.EntryRules
    channel: prevention.Channel
    confirmed: bool = False


async def get(session: AsyncSession, kind: Kind, record_id: uuid.UUID) -> Any:
    record = await RecordRepository(session).get(kind.model, record_id)
    if record is None:
        raise kind.not_found()
    return record


async def survivor_of(session: AsyncSession, kind: Kind, record: Any) -> Any:
    """The active record a merged one lives on in (merges can chain: A into B, B into C)."""
    seen = {record.id}
    while record.status == "merged" and record.merged_into_id is not None:
        record = await get(session, kind, record.merged_into_id)
        if record.id in seen:  # a cycle is corruption; stop rather than loop
            break
        seen.add(record.id)
    return record


async def find_by_ref(session: AsyncSession, kind: Kind, system: str, external_id: str) -> Any:
    ref = await ExternalRefRepository(session).find(kind.entity, system, external_id)
    if ref is None:
        raise kind.not_found()
    return await get(session, kind, ref.record_id)


async def refs_of(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[ExternalRef]]:
    return await ExternalRefRepository(session).of_records(ids)


async def _check_company(session: AsyncSession, values: Mapping[str, object]) -> None:
    company_id = values.get("company_id")
    if company_id is None:
        return
    # from the session's identity map when this transaction met the company already (a
    # batch's contacts mostly point at a few companies); the quality score reads it there too
    company = await session.get(Company, company_id)
    if company is None:
        raise RecordInvalid([error("company_id", "company_id.unknown")])


async def _column_values(
    session: AsyncSession,
    kind: Kind,
    fields: Mapping[str, object],
    policy: ValidationPolicy,
    current: Any | None,
) -> tuple[Prepared, dict[str, object]]:
    """Validated, normalised values plus the fields validators do not judge (owner…)."""
    prepared = kind.run_prepare(fields, policy, current)
    values = dict(prepared.values)
    for extra in kind.extra_fields:
        if extra in fields and extra not in values:
            values[extra] = fields[extra]
    if kind is not COMPANIES:
        await _check_company(session, values)
    return prepared, values


async def create(
    session: AsyncSession,
    kind: Kind,
    actor: Principal,
    fields: Mapping[str, object],
    policy: ValidationPolicy,
    *,
    source_system: str | None = None,
    external_refs: Sequence[tuple[str, str]] = (),
    entry: Entry | None = None,
) -> Written:
    prepared, values = await _column_values(session, kind, fields, policy, None)
    if kind is CONTACTS:
        await suppression.check(session, _emails(values))
    refs = ExternalRefRepository(session)
    for system, external_id in external_refs:
        if await refs.find(kind.entity, system, external_id) is not None:
            raise ExternalRefTaken(system=system)
    check = None
    if entry is not None:
        check = await prevention.check(
            session, entry.rules, kind.entity, values, entry.channel, confirmed=entry.confirmed
        )
    record = kind.model(
        id=uuid.uuid4(),
        status="active",
        source_system=source_system,
        created_by_type=actor.type,
        created_by_id=actor.id,
        quality_issues=prepared.quality_issues,
        **values,
    )
    await record_quality.score_write(session, kind.entity, record, prepared.findings, created=True)
    await RecordRepository(session).add(record)
    for system, external_id in external_refs:
        await refs.add(kind.entity, record.id, system, external_id)
    await dedup.index_record(session, kind.entity, record, new=True)
    changed = tuple(sorted(k for k, v in values.items() if v not in (None, [], "")))
    await audit.record(
        session,
        actor,
        f"{kind.entity}.created",
        entity_type=kind.entity,
        entity_id=record.id,
        fields=changed,
    )
    await _announce(session, "record.created", kind, record, changed)
    if kind is CONTACTS:
        await consent.record_changes(session, actor, record.id, {}, values, source_system)
    if check is not None:  # after the record's own event: receivers learn of it first
        await prevention.after_create(session, kind.entity, record.id, check)
    return Written(record, True, changed, tuple(check.matches) if check else ())


async def _remember_former_name(
    session: AsyncSession, actor: Principal, former: str, current: object
) -> None:
    """A rename teaches the alias dictionary the former name (best effort: a name already
    standing for another company is left alone)."""
    if not isinstance(current, str) or not current:
        return
    with contextlib.suppress(aliases.AliasTaken, aliases.AliasUnusable):
        async with session.begin_nested():
            await aliases.add(session, actor, former, current, "former_name", source="rename")


async def update(
    session: AsyncSession,
    kind: Kind,
    actor: Principal,
    record_id: uuid.UUID,
    changes: Mapping[str, object],
    policy: ValidationPolicy,
    *,
    expected_version: int | None,
) -> Written:
    record = await RecordRepository(session).get(kind.model, record_id, for_update=True)
    if record is None:
        raise kind.not_found()
    return await _apply(session, kind, actor, record, changes, policy, expected_version)


async def _apply(
    session: AsyncSession,
    kind: Kind,
    actor: Principal,
    record: Any,
    changes: Mapping[str, object],
    policy: ValidationPolicy,
    expected_version: int | None,
) -> Written:
    if expected_version is not None and record.version != expected_version:
        raise VersionMismatch(current_version=record.version)
    if record.status != "active":
        raise RecordNotActive(status=record.status)
    prepared, values = await _column_values(session, kind, changes, policy, record)
    changed = tuple(sorted(k for k, v in values.items() if getattr(record, k) != v))
    if not changed:
        return Written(record, False, ())
    if kind is COMPANIES and "name" in changed and record.name:
        await _remember_former_name(session, actor, record.name, values["name"])
    before = {f: getattr(record, f) for f in consent.TRACKED} if kind is CONTACTS else {}
    if kind is CONTACTS and {"email", "additional_emails"} & set(changed):
        await suppression.check(session, _emails({f: values.get(f) for f in changed}))
    for field in changed:
        setattr(record, field, values[field])
    record.provenance = provenance.after_write(
        record.provenance, changed, record.id, record.source_system, utcnow()
    )
    # Issues of fields this update did not touch stay as they were.
    untouched = {i for i in record.quality_issues if i.split(".")[0] not in values}
    record.quality_issues = sorted(untouched | set(prepared.quality_issues))
    await record_quality.score_write(
        session,
        kind.entity,
        record,
        prepared.findings + prepared.kept_errors,
        created=False,
        changed=changed,
    )
    await session.flush()
    await dedup.index_record(session, kind.entity, record)
    await audit.record(
        session,
        actor,
        f"{kind.entity}.updated",
        entity_type=kind.entity,
        entity_id=record.id,
        fields=changed,
    )
    await _announce(session, "record.updated", kind, record, changed)
    if kind is COMPANIES:
        await record_quality_job.after_company_change(session, actor, record.id, changed)
    if kind is CONTACTS:
        after = {f: values[f] for f in changed if f in consent.TRACKED}
        await consent.record_changes(session, actor, record.id, before, after, record.source_system)
    return Written(record, False, changed)


def _emails(values: Mapping[str, object]) -> list[object]:
    return [values.get("email"), *(values.get("additional_emails") or [])]  # type: ignore[misc]


async def _announce(
    session: AsyncSession, event: str, kind: Kind, record: Any, fields: Sequence[str]
) -> None:
    """The CRM hears of the change through the outbox (ids and field names, no values)."""
    await outbox.enqueue(
        session,
        event,
        {
            "entity": kind.entity,
            "id": str(record.id),
            "version": record.version,
            "fields": list(fields),
            "source_system": record.source_system,
        },
        entity=kind.entity,
        record_id=record.id,
    )


async def upsert_by_ref(
    session: AsyncSession,
    kind: Kind,
    actor: Principal,
    system: str,
    external_id: str,
    fields: Mapping[str, object],
    policy: ValidationPolicy,
    *,
    expected_version: int | None,
    source_system: str | None = None,
    entry: Entry | None = None,
) -> Written:
    """Create the record the CRM calls (system, id), or update the one it already is."""
    ref = await ExternalRefRepository(session).find(kind.entity, system, external_id)
    if ref is None:
        return await create(
            session,
            kind,
            actor,
            fields,
            policy,
            source_system=source_system or system,
            external_refs=[(system, external_id)],
            entry=entry,
        )
    record = await RecordRepository(session).get(kind.model, ref.record_id, for_update=True)
    if record is None:
        raise kind.not_found()
    return await _apply(session, kind, actor, record, fields, policy, expected_version)


async def list_page(
    session: AsyncSession, kind: Kind, conditions: list[Any], *, limit: int, after: Any
) -> Sequence[Any]:
    return await RecordRepository(session).page(kind.model, conditions, limit=limit, after=after)


async def delete(
    session: AsyncSession,
    kind: Kind,
    actor: Principal,
    record_id: uuid.UUID,
    *,
    expected_version: int,
) -> None:
    """Remove a record the CRM deleted, with its external refs and blocking keys.

    Contacts of a deleted company keep living without it (their `company_id` is cleared by
    the foreign key). Erasure for GDPR reasons is a different use case: it also suppresses
    the address so an import cannot bring the person back.
    """
    repo = RecordRepository(session)
    record = await repo.get(kind.model, record_id, for_update=True)
    if record is None:
        raise kind.not_found()
    if record.version != expected_version:
        raise VersionMismatch(current_version=record.version)
    await ExternalRefRepository(session).remove_for(record.id)
    await dedup.forget_record(session, record.id)
    partners = await dedup.close_pairs_of_deleted(session, kind.entity, record.id)
    await repo.delete(record)
    await record_quality.rescore(session, kind.entity, partners)
    await audit.record(
        session, actor, f"{kind.entity}.deleted", entity_type=kind.entity, entity_id=record_id
    )
